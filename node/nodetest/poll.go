package nodetest

import (
	"testing"
	"time"
)

// Eventually polls fn every few milliseconds until it returns nil, and fails the test with
// fn's last error once timeout has passed. Tests wait with it, never with a fixed sleep.
func Eventually(t testing.TB, timeout time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	interval := 5 * time.Millisecond
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(interval)
		interval = min(interval*2, 100*time.Millisecond)
	}
}
