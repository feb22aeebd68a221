package authd

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

// longestEntry is a log output that keeps only the length of the longest entry written.
type longestEntry struct {
	mu sync.Mutex
	n  int
}

func (w *longestEntry) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n = max(w.n, len(p))
	return len(p), nil
}

func (w *longestEntry) longest() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

func recordingLogger() (*logrus.Entry, *longestEntry) {
	w := &longestEntry{}
	l := logrus.New()
	l.SetOutput(w)
	l.SetLevel(logrus.DebugLevel)
	return logrus.NewEntry(l), w
}

// invalidAgentNames are names a hostile client sent in the field, with the reason each fails
// OS_IsValidName.
var invalidAgentNames = []string{"../../etc", "x", strings.Repeat("a", 129), strings.Repeat("a", 100_000),
	"a\nb", "bad name", ".hidden", "ñandú", "a/b", ""}

// TestJSONAPIRefusesInvalidAgentNames: authd's JSON API, which a worker's sendsync and the local
// clients reach, refuses every name the enrollment port refuses, with 9005, and stores nothing.
func TestJSONAPIRefusesInvalidAgentNames(t *testing.T) {
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	log, out := recordingLogger()
	cfg.Log = log
	st := vectorStore(t, v)
	svc := NewMaster(cfg, st, nil)
	before := len(st.Agents())
	for _, name := range invalidAgentNames {
		req := fmt.Sprintf(`{"function":"add","arguments":{"name":%q,"ip":"any"}}`, name)
		if got := string(svc.HandleJSON(context.Background(), []byte(req))); got != `{"error":9005,"message":"No such name"}` {
			t.Errorf("name %.30q: reply %.200s", name, got)
		}
	}
	if n := len(st.Agents()); n != before {
		t.Fatalf("%d agents stored from invalid names", n-before)
	}
	if got := string(svc.HandleJSON(context.Background(), []byte(`{"function":"add","arguments":{"name":"ok-name.01","ip":"any"}}`))); !strings.HasPrefix(got, `{"error":0,`) {
		t.Fatalf("valid name refused: %s", got)
	}
	if l := out.longest(); l > 1024 {
		t.Fatalf("a %d-byte log entry", l)
	}
}

// TestEnrollmentPortRefusesInvalidAgentNames: over TLS, on a master and on a worker (which then
// forwards nothing), each name gets Wazuh's "Invalid agent name" reply; a name of tens of
// kilobytes gets it cut at authd's 2048-byte response buffer and is never logged whole.
func TestEnrollmentPortRefusesInvalidAgentNames(t *testing.T) {
	worker, fw, st := newWorkerPair(t)
	master := fw.master
	log, out := recordingLogger()
	master.log, worker.log = log, log
	huge := strings.Repeat("h", 60_000) // the longest name a request line can hold is ~69 KiB
	cases := map[string]string{
		"../../etc":              "ERROR: Invalid agent name: ../../etc. Unable to add agent",
		"x":                      "ERROR: Invalid agent name: x. Unable to add agent",
		".hidden":                "ERROR: Invalid agent name: .hidden. Unable to add agent",
		strings.Repeat("a", 129): "ERROR: Invalid agent name: " + strings.Repeat("a", 129) + ". Unable to add agent",
		huge:                     "ERROR: Invalid agent name: " + huge[:2047-len("ERROR: Invalid agent name: ")] + ". Unable to add agent",
	}
	before := len(st.Agents())
	for _, svc := range []*Service{master, worker} {
		rs := startServer(t, svc, ServerOptions{ReadTimeout: 10 * time.Second})
		for name, want := range cases {
			got, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'"+name+"'\n")
			if err != nil || got != want {
				t.Errorf("worker %v, name %.30q: %d-byte reply %.100q, %v", svc.IsWorker(), name, len(got), got, err)
			}
		}
	}
	if n := len(fw.payloads()); n != 0 {
		t.Fatalf("the worker forwarded %d invalid names", n)
	}
	if n := len(st.Agents()); n != before {
		t.Fatalf("%d agents stored from invalid names", n-before)
	}
	if l := out.longest(); l > 1024 {
		t.Fatalf("a %d-byte log entry", l)
	}
}
