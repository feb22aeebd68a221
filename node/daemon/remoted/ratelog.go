package remoted

import (
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// rateLog logs a warning of each kind at most once per period and says how
// many were suppressed in between, so a flood (an unknown agent retrying, a
// full disk) costs one line a minute.
type rateLog struct {
	log    *logrus.Entry
	now    func() time.Time
	period time.Duration

	mu    sync.Mutex
	kinds map[string]*rateKind
}

type rateKind struct {
	last       time.Time
	suppressed int
}

func newRateLog(log *logrus.Entry, now func() time.Time, period time.Duration) *rateLog {
	return &rateLog{log: log, now: now, period: period, kinds: make(map[string]*rateKind)}
}

func (r *rateLog) warn(kind, format string, args ...any) {
	now := r.now()
	r.mu.Lock()
	k := r.kinds[kind]
	if k == nil {
		k = &rateKind{}
		r.kinds[kind] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < r.period && now.After(k.last) {
		k.suppressed++
		r.mu.Unlock()
		return
	}
	suppressed := k.suppressed
	k.last, k.suppressed = now, 0
	r.mu.Unlock()
	e := r.log
	if suppressed > 0 {
		e = e.WithField("suppressed", suppressed)
	}
	e.Warnf(format, args...)
}
