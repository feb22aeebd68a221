package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/clusterd/clusterd/node/tool/agentsim"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-servers", "127.0.0.1:1514"},
		{"-servers", "127.0.0.1:1514", "-enroll", "127.0.0.1:1515", "extra"},
		{"-servers", "127.0.0.1:1514", "-enroll", "127.0.0.1:1515", "-log-level", "loud"},
		{"-bogus"},
	} {
		var stderr bytes.Buffer
		if code := run(t.Context(), args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// TestRunWithKeysPrintsJSONReport runs two agents against a server that accepts
// connections but never answers, for a fixed duration.
func TestRunWithKeysPrintsJSONReport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	})

	dir := t.TempDir()
	keysPath := filepath.Join(dir, "client.keys")
	key := strings.Repeat("ab", 32)
	keys := []agentproto.Key{{ID: "001", Name: "a1", IP: "any", Raw: key}, {ID: "002", Name: "a2", IP: "10.0.0.2", Raw: key}}
	if err := writeClientKeys(keysPath, keys); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"-servers", ln.Addr().String(), "-keys", keysPath, "-duration", "300ms", "-report", "100ms", "-reconnect", "1s", "-json"}
	if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "agents 2, connected 0") {
		t.Fatalf("no periodic report in %q", out)
	}
	var r agentsim.Report
	if err := json.Unmarshal([]byte(out[strings.LastIndex(out, "\n{")+1:]), &r); err != nil {
		t.Fatalf("final JSON report: %v in %q", err, out)
	}
	if r.Agents != 2 || r.Connected != 0 {
		t.Fatalf("report %+v", r)
	}
	read, err := os.ReadFile(keysPath)
	if err != nil || strings.Count(string(read), "\n") != 2 {
		t.Fatalf("keys file %q, %v", read, err)
	}
}

func TestCountArchives(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "archives.log")
	lines := "1:[001] (sim-00001) any->/var/log/sim.log:sim-00001 event 1\n" +
		"1:[002] (other-00001) any->/var/log/sim.log:other-00001 event 1\n" +
		"1:[001] (sim-00001) any->wazuh-agent:ossec: Agent started: 'sim-00001->any'.\n" +
		"1:[003] (sim-00002) any->/var/log/sim.log:sim-00002 event 7"
	if err := os.WriteFile(path, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	counts, err := countArchives([]string{path}, "sim")
	if err != nil || len(counts) != 1 || counts[0].Events != 2 {
		t.Fatalf("counts %+v, %v", counts, err)
	}
	if _, err := countArchives([]string{filepath.Join(dir, "missing")}, "sim"); err == nil {
		t.Fatal("a missing archive was counted")
	}
}
