// Package poll is how tests wait: they poll a condition until it holds, with a deadline, and
// never sleep a fixed time.
//
// It imports nothing but the standard library, and it lives under messages/, the one folder
// every other folder (and messages itself) may import under the layout's rules, so that the
// tests of every package use this one helper.
package poll

import (
	"errors"
	"testing"
	"time"
)

// Poller checks a condition at an interval that starts at first and doubles up to max.
type Poller struct {
	first, max time.Duration
}

// standard starts fast, for conditions that hold at once, and backs off so that a long wait
// costs the machine little.
var standard = Poller{first: 2 * time.Millisecond, max: 50 * time.Millisecond}

// Every returns a poller that checks every interval, for benchmarks that time what they wait
// for and so need a fine grain.
func Every(interval time.Duration) Poller { return Poller{first: interval, max: interval} }

// Eventually calls fn until it returns nil, and fails t with fn's last error once timeout has
// passed; what says what the test waited for.
func Eventually(t testing.TB, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	standard.Eventually(t, timeout, what, fn)
}

// Until calls cond until it holds, and fails t once timeout has passed.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	standard.Until(t, timeout, what, cond)
}

// Within calls cond until it holds and reports whether it did before timeout, for a caller that
// reports the failure its own way.
func Within(timeout time.Duration, cond func() bool) bool {
	return standard.Within(timeout, cond)
}

// Eventually is the package's Eventually at p's interval.
func (p Poller) Eventually(t testing.TB, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	if err := p.wait(timeout, fn); err != nil {
		t.Fatalf("timed out after %s waiting for %s: %v", timeout, what, err)
	}
}

// Until is the package's Until at p's interval.
func (p Poller) Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !p.Within(timeout, cond) {
		t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

// Within is the package's Within at p's interval.
func (p Poller) Within(timeout time.Duration, cond func() bool) bool {
	return p.wait(timeout, func() error {
		if cond() {
			return nil
		}
		return errNotYet
	}) == nil
}

var errNotYet = errors.New("condition not met")

// wait calls fn until it returns nil or timeout has passed, and returns fn's last error. fn is
// called once more after the last pause, so a condition that holds at the deadline counts.
func (p Poller) wait(timeout time.Duration, fn func() error) error {
	deadline := time.Now().Add(timeout)
	interval := max(p.first, time.Microsecond)
	for {
		err := fn()
		if err == nil {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		time.Sleep(min(interval, left))
		interval = min(2*interval, max(p.max, p.first))
	}
}
