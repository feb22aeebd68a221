package nodetest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/logging"
)

// keptLogLines bounds the lines a member keeps for assertions: enough for any test's window,
// small enough that a chatty benchmark does not grow without end.
const keptLogLines = 20000

// testWriter sends log lines to t.Log until the test is over; lines written after that (by
// goroutines still winding down) are dropped instead of panicking the test binary. It also keeps
// the last lines, so tests can assert on what a node logged.
type testWriter struct {
	mu     sync.Mutex
	t      testing.TB
	done   bool
	name   string
	toT    bool // also t.Log each line (off when lines go to stderr)
	kept   []string
	mirror func([]byte)
}

func (w *testWriter) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.kept) == keptLogLines {
		w.kept = append(w.kept[:0], w.kept[keptLogLines/2:]...)
	}
	w.kept = append(w.kept, line)
	if w.mirror != nil {
		w.mirror(p)
	}
	if !w.done && w.toT {
		w.t.Log(w.name + ": " + line)
	}
	return len(p), nil
}

// lines returns a copy of the kept lines.
func (w *testWriter) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.kept...)
}

func (w *testWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}

// testLogger logs at INFO to t.Log; CLUSTERD_TEST_LOG=debug (or trace) says more, and
// CLUSTERD_TEST_LOG_STDERR=1 writes to stderr as lines come.
func testLogger(t testing.TB, name string) (*logrus.Entry, *testWriter) {
	level := logrus.InfoLevel
	switch os.Getenv("CLUSTERD_TEST_LOG") {
	case "debug":
		level = logrus.DebugLevel
	case "trace":
		level = logrus.TraceLevel
	case "off":
		level = logrus.PanicLevel
	}
	w := &testWriter{t: t, name: name, toT: true}
	if os.Getenv("CLUSTERD_TEST_LOG_STDERR") != "" {
		// Straight to stderr: benchmark logs are otherwise held until the benchmark ends.
		stderr := prefixWriter{name: name}
		w.toT, w.mirror = false, func(b []byte) { _, _ = stderr.Write(b) }
	}
	return logging.NewWriterLogger(w, level), w
}

// LogLines returns the lines the member logged since it last started (the most recent ones
// when there were very many), in the cluster.log format: "<date> <LEVEL>: [<tag>] [<task>] …".
// Tests run at INFO unless CLUSTERD_TEST_LOG says otherwise, the level a node runs at by
// default.
func (m *Member) LogLines() []string {
	m.mu.Lock()
	w := m.writer
	m.mu.Unlock()
	if w == nil {
		return nil
	}
	return w.lines()
}

// WaitLogLine polls the member's log until a line contains every one of parts, and returns it.
func (m *Member) WaitLogLine(t testing.TB, timeout time.Duration, parts ...string) string {
	t.Helper()
	var found string
	Eventually(t, timeout, func() error {
		for _, l := range m.LogLines() {
			if containsAll(l, parts) {
				found = l
				return nil
			}
		}
		return fmt.Errorf("%s logged no line with %q", m.Name, parts)
	})
	return found
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// prefixWriter writes log lines to stderr with the node's name in front.
type prefixWriter struct{ name string }

func (p prefixWriter) Write(b []byte) (int, error) {
	_, err := os.Stderr.Write(append([]byte(p.name+": "), b...))
	return len(b), err
}
