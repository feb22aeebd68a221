package nodetest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node"
)

func TestProfilingServer(t *testing.T) {
	p, err := node.StartProfiling("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + p.Addr().String()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("index: %d %.200s", code, body)
	}
	if code, _ := get("/debug/pprof/heap?debug=1"); code != http.StatusOK {
		t.Fatalf("heap: %d", code)
	}
	if code, _ := get("/"); code != http.StatusNotFound {
		t.Fatalf("/ answered %d; only the profiles are served", code)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/debug/pprof/"); err == nil {
		t.Fatal("still serving after close")
	}
}
