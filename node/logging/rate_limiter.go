package logging

import (
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// maxRateKeys is how many keys a RateLimiter tracks before it forgets idle ones. Keys are meant to
// be format strings, a bounded set, so this is only a guard against misuse.
const maxRateKeys = 4096

// RateLimiter lets the same line through at most burst times per every (a fixed window per key) and
// counts what it holds back, so that the next line to get through can say how many were dropped.
// Keepalive failures and dead letters are the lines it is for. It is safe for concurrent use.
type RateLimiter struct {
	every time.Duration
	burst int
	now   func() time.Time

	mu      sync.Mutex
	windows map[string]*rateWindow
}

type rateWindow struct {
	start      time.Time
	used       int
	suppressed int
}

// NewRateLimiter returns a limiter allowing burst lines per key every period. A burst below 1 counts
// as 1; every <= 0 disables limiting; now nil means time.Now.
func NewRateLimiter(every time.Duration, burst int, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{
		every:   every,
		burst:   max(burst, 1),
		now:     now,
		windows: make(map[string]*rateWindow),
	}
}

// Allow reports whether a line with key may be logged now and, when it may, how many lines with
// that key were suppressed since the last one allowed.
func (r *RateLimiter) Allow(key string) (ok bool, suppressed int) {
	if r.every <= 0 {
		return true, 0
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	window := r.windows[key]
	if window == nil {
		if len(r.windows) >= maxRateKeys {
			r.forgetIdle(now)
		}
		window = &rateWindow{start: now}
		r.windows[key] = window
	}
	// A clock stepping back also opens a new window, rather than muting the key until it catches up.
	if now.Sub(window.start) >= r.every || now.Before(window.start) {
		window.start, window.used = now, 0
	}
	if window.used >= r.burst {
		window.suppressed++
		return false, 0
	}
	window.used++
	suppressed, window.suppressed = window.suppressed, 0
	return true, suppressed
}

// forgetIdle drops windows that have expired with nothing suppressed: they would start afresh anyway.
func (r *RateLimiter) forgetIdle(now time.Time) {
	for key, window := range r.windows {
		if window.suppressed == 0 && now.Sub(window.start) >= r.every {
			delete(r.windows, key)
		}
	}
}

// Logf logs the formatted line at level unless the limiter holds it back, adding
// " (N similar lines suppressed)" when lines were held back before it. The key is the entry's tag
// and subtag with the format, so that, say, each worker's keepalive lines are limited separately.
func (r *RateLimiter) Logf(entry *logrus.Entry, level logrus.Level, format string, args ...any) {
	if !entry.Logger.IsLevelEnabled(level) {
		return
	}
	key := valueString(entry.Data[FieldTag]) + "\x00" + valueString(entry.Data[FieldSubtag]) + "\x00" + format
	ok, suppressed := r.Allow(key)
	if !ok {
		return
	}
	message := fmt.Sprintf(format, args...)
	if suppressed > 0 {
		message += fmt.Sprintf(" (%d similar lines suppressed)", suppressed)
	}
	entry.Log(level, message)
}
