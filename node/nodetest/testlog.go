package nodetest

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/logging"
)

// keptLogLines is how many of its last log lines a member keeps for LogCount.
const keptLogLines = 20000

// testWriter sends log lines to t.Log until the test is over; lines written after that (by
// goroutines still winding down) are dropped instead of panicking the test binary. It keeps the
// last keptLogLines lines, so tests can check what a node logged.
type testWriter struct {
	mu     sync.Mutex
	t      testing.TB
	done   bool
	name   string
	stderr bool // lines go straight to stderr (benchmark logs are otherwise held until the end)
	lines  []string
	// longest is the longest entry written: tests check that a peer's oversized input never
	// reaches the log.
	longest int
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.longest = max(w.longest, len(p))
	line := strings.TrimRight(string(p), "\n")
	if len(w.lines) == keptLogLines {
		w.lines = append(w.lines[:0], w.lines[keptLogLines/2:]...)
	}
	w.lines = append(w.lines, line)
	switch {
	case w.stderr:
		_, err := os.Stderr.Write(append([]byte(w.name+": "), p...))
		return len(p), err
	case !w.done:
		w.t.Log(w.name + ": " + line)
	}
	return len(p), nil
}

// count returns how many of the kept lines contain text.
func (w *testWriter) count(text string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, l := range w.lines {
		if strings.Contains(l, text) {
			n++
		}
	}
	return n
}

func (w *testWriter) longestEntry() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.longest
}

// logged reports whether one of the kept lines holds substr.
func (w *testWriter) logged(substr string) bool { return w.count(substr) > 0 }

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
	w := &testWriter{t: t, name: name, stderr: os.Getenv("CLUSTERD_TEST_LOG_STDERR") != ""}
	return logging.NewWriterLogger(w, level), w
}
