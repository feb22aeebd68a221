package nodetest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// firstLine returns the first kept line that contains every one of parts.
func (w *testWriter) firstLine(parts []string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
next:
	for _, l := range w.lines {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		return l, true
	}
	return "", false
}

// WaitLogLine polls the member's running node's log (as LogCount sees it) until a line holds
// every one of parts, and returns it: tests check what a line says, and at which level, in
// the cluster.log format "<date> <LEVEL>: [<tag>] [<task>] …".
func (m *Member) WaitLogLine(t testing.TB, timeout time.Duration, parts ...string) string {
	t.Helper()
	var found string
	Eventually(t, timeout, func() error {
		m.mu.Lock()
		w := m.writer
		m.mu.Unlock()
		if w != nil {
			if l, ok := w.firstLine(parts); ok {
				found = l
				return nil
			}
		}
		return fmt.Errorf("%s logged no line with %q", m.Name, parts)
	})
	return found
}
