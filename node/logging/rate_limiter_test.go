package logging

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func TestRateLimiterBurstAndWindow(t *testing.T) {
	clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
	limiter := NewRateLimiter(time.Minute, 2, clock.Now)

	steps := []struct {
		advance        time.Duration
		wantOK         bool
		wantSuppressed int
	}{
		{0, true, 0},
		{time.Second, true, 0},
		{time.Second, false, 0},
		{time.Second, false, 0},
		{time.Second, false, 0},
		{time.Minute, true, 3},
		{time.Second, true, 0},
		{time.Second, false, 0},
		{2 * time.Minute, true, 1},
	}
	for i, step := range steps {
		clock.Advance(step.advance)
		ok, suppressed := limiter.Allow("keepalive")
		if ok != step.wantOK || suppressed != step.wantSuppressed {
			t.Errorf("step %d: Allow = %v, %d; want %v, %d", i, ok, suppressed, step.wantOK, step.wantSuppressed)
		}
	}
}

func TestRateLimiterKeysAreIndependent(t *testing.T) {
	clock := newFakeClock(time.Unix(0, 0))
	limiter := NewRateLimiter(time.Minute, 1, clock.Now)
	if ok, _ := limiter.Allow("a"); !ok {
		t.Fatal("first a refused")
	}
	if ok, _ := limiter.Allow("a"); ok {
		t.Fatal("second a allowed")
	}
	if ok, _ := limiter.Allow("b"); !ok {
		t.Fatal("b held back by a")
	}
}

func TestRateLimiterEdgeSettings(t *testing.T) {
	clock := newFakeClock(time.Unix(1000, 0))
	unlimited := NewRateLimiter(0, 1, clock.Now)
	for range 10 {
		if ok, suppressed := unlimited.Allow("k"); !ok || suppressed != 0 {
			t.Fatal("every <= 0 must not limit")
		}
	}
	zeroBurst := NewRateLimiter(time.Minute, 0, clock.Now)
	if ok, _ := zeroBurst.Allow("k"); !ok {
		t.Error("burst 0 should act as 1")
	}
	if ok, _ := zeroBurst.Allow("k"); ok {
		t.Error("burst 0 should act as 1")
	}
	clock.Set(time.Unix(10, 0)) // the clock steps back
	if ok, suppressed := zeroBurst.Allow("k"); !ok || suppressed != 1 {
		t.Errorf("after the clock stepped back: Allow = %v, %d; want true, 1", ok, suppressed)
	}
	if ok, _ := NewRateLimiter(time.Minute, 1, nil).Allow("k"); !ok {
		t.Error("nil clock should default to time.Now")
	}
}

func TestRateLimiterForgetsIdleKeys(t *testing.T) {
	clock := newFakeClock(time.Unix(0, 0))
	limiter := NewRateLimiter(time.Second, 1, clock.Now)
	for i := range maxRateKeys {
		limiter.Allow(fmt.Sprint("key", i))
	}
	limiter.Allow("held")
	limiter.Allow("held") // suppressed: must survive the sweep
	clock.Advance(2 * time.Second)
	limiter.Allow("fresh")
	limiter.mu.Lock()
	size := len(limiter.windows)
	limiter.mu.Unlock()
	if size != 2 {
		t.Errorf("%d windows after the sweep, want 2 (held and fresh)", size)
	}
	if ok, suppressed := limiter.Allow("held"); !ok || suppressed != 1 {
		t.Errorf("held: Allow = %v, %d; want true, 1", ok, suppressed)
	}
}

func TestRateLimiterLogf(t *testing.T) {
	clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
	limiter := NewRateLimiter(time.Minute, 1, clock.Now)
	var out syncBuffer
	root := NewWriterLogger(&out, logrus.InfoLevel)
	worker1 := Tagged(root, "Master", "Keep alive").WithTime(clock.Now())
	worker2 := Tagged(root, "Worker worker2", "Keep alive").WithTime(clock.Now())

	for range 4 {
		limiter.Logf(worker1, logrus.ErrorLevel, "No keep alives have been received from %s", "worker1")
	}
	limiter.Logf(worker2, logrus.ErrorLevel, "No keep alives have been received from %s", "worker2")
	limiter.Logf(worker1, logrus.DebugLevel, "disabled level %d", 1)
	clock.Advance(time.Minute)
	limiter.Logf(worker1, logrus.ErrorLevel, "No keep alives have been received from %s", "worker1")

	want := "2024/05/01 10:00:00 ERROR: [Master] [Keep alive] No keep alives have been received from worker1\n" +
		"2024/05/01 10:00:00 ERROR: [Worker worker2] [Keep alive] No keep alives have been received from worker2\n" +
		"2024/05/01 10:00:00 ERROR: [Master] [Keep alive] No keep alives have been received from worker1 (3 similar lines suppressed)\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRateLimiterConcurrentUse(t *testing.T) {
	const goroutines, calls = 8, 500
	limiter := NewRateLimiter(time.Hour, 10, nil)
	var mu sync.Mutex
	allowed, suppressedReported := 0, 0
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range calls {
				ok, suppressed := limiter.Allow("dead letter")
				mu.Lock()
				if ok {
					allowed++
				}
				suppressedReported += suppressed
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 || suppressedReported != 0 {
		t.Errorf("allowed %d (want 10), reported %d suppressed (want 0 until the next window)", allowed, suppressedReported)
	}
}
