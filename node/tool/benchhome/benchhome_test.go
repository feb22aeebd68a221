package benchhome

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOssecConfNamesTheNode(t *testing.T) {
	conf := Node{Name: "worker_3", Type: "worker", Key: "k", Port: 1516, BindIP: "127.77.1.3", MasterIP: "127.77.0.1"}.OssecConf()
	for _, want := range []string{"<name>bench</name>", "<node_name>worker_3</node_name>", "<node_type>worker</node_type>",
		"<port>1516</port>", "<bind_addr>127.77.1.3</bind_addr>", "<nodes><node>127.77.0.1</node></nodes>"} {
		if !strings.Contains(conf, want) {
			t.Fatalf("no %s in\n%s", want, conf)
		}
	}
}

func TestCountLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.log")
	if n, err := CountLines(path, "x"); n != 0 || err != nil {
		t.Fatalf("missing file: %d, %v", n, err)
	}
	if err := os.WriteFile(path, []byte("a [Integrity sync] Finished\nb\nc [Integrity sync] Finished\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := CountLines(path, "[Integrity sync] Finished"); n != 2 || err != nil {
		t.Fatalf("count: %d, %v", n, err)
	}
}
