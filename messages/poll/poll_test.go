package poll

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// fakeT records what a failed wait reports instead of failing the test.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	var calls atomic.Int32
	ft := &fakeT{TB: t}
	Until(ft, 10*time.Second, "three calls", func() bool { return calls.Add(1) == 3 })
	if ft.failed != "" || calls.Load() != 3 {
		t.Fatalf("failed %q after %d calls", ft.failed, calls.Load())
	}
}

func TestEventuallyReportsTheLastError(t *testing.T) {
	ft := &fakeT{TB: t}
	var calls atomic.Int32
	Eventually(ft, 30*time.Millisecond, "the answer", func() error {
		return fmt.Errorf("attempt %d", calls.Add(1))
	})
	want := fmt.Sprintf("timed out after 30ms waiting for the answer: attempt %d", calls.Load())
	if ft.failed != want || calls.Load() < 2 {
		t.Fatalf("reported %q after %d calls, want %q", ft.failed, calls.Load(), want)
	}
}

func TestUntilFailsAtTheDeadline(t *testing.T) {
	ft := &fakeT{TB: t}
	start := time.Now()
	Until(ft, 20*time.Millisecond, "nothing", func() bool { return false })
	if ft.failed != "timed out after 20ms waiting for nothing" {
		t.Fatalf("reported %q", ft.failed)
	}
	if took := time.Since(start); took < 20*time.Millisecond {
		t.Fatalf("gave up after %s", took)
	}
}

func TestWithinChecksAtLeastOnce(t *testing.T) {
	if !Within(0, func() bool { return true }) {
		t.Fatal("a condition that holds at once is not met")
	}
	if Every(time.Millisecond).Within(5*time.Millisecond, func() bool { return false }) {
		t.Fatal("a condition that never holds is met")
	}
	if err := Every(time.Hour).wait(10*time.Millisecond, func() error { return errors.New("no") }); err == nil {
		t.Fatal("wait returned nil for a failing condition")
	}
}
