package nodetest

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/logging"
)

// testWriter sends log lines to t.Log until the test is over; lines written after that (by
// goroutines still winding down) are dropped instead of panicking the test binary.
type testWriter struct {
	mu    sync.Mutex
	t     testing.TB
	done  bool
	name  string
	lines []string // the latest keptLogLines lines, for Member.Logged
}

// keptLogLines is how many of its latest log lines a member keeps for Logged.
const keptLogLines = 10000

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	line := strings.TrimRight(string(p), "\n")
	if len(w.lines) == keptLogLines {
		w.lines = append(w.lines[:0], w.lines[keptLogLines/2:]...)
	}
	w.lines = append(w.lines, line)
	if !w.done {
		w.t.Log(w.name + ": " + line)
	}
	return len(p), nil
}

// logged reports whether one of the kept lines holds substr.
func (w *testWriter) logged(substr string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range w.lines {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
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
	w := &testWriter{t: t, name: name}
	if os.Getenv("CLUSTERD_TEST_LOG_STDERR") != "" {
		// Straight to stderr: benchmark logs are otherwise held until the benchmark ends.
		return logging.NewWriterLogger(prefixWriter{name: name}, level), w
	}
	return logging.NewWriterLogger(w, level), w
}

// prefixWriter writes log lines to stderr with the node's name in front.
type prefixWriter struct{ name string }

func (p prefixWriter) Write(b []byte) (int, error) {
	_, err := os.Stderr.Write(append([]byte(p.name+": "), b...))
	return len(b), err
}
