package gossip

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakDeadline is how long memberlist's goroutines may take to exit after
// Shutdown: its listeners, schedulers and suspicion timers wind down
// asynchronously.
const leakDeadline = 3 * time.Second

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := findLeaks(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutine leak after all tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// findLeaks polls goleak until no unexpected goroutine is left or
// leakDeadline passes, returning goleak's last report.
func findLeaks(options ...goleak.Option) error {
	deadline := time.Now().Add(leakDeadline)
	for {
		err := goleak.Find(options...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verifyNoLeaks fails t if goroutines started during the test outlive it.
// Register it before anything else so it runs after the other cleanups.
func verifyNoLeaks(t testing.TB) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := findLeaks(ignore); err != nil {
			t.Errorf("goroutine leak: %v", err)
		}
	})
}
