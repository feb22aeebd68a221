package actors

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
)

// LocalIntegrity computes the master's file metadata (node/master/local-integrity): a scan every
// recalculate_integrity seconds after the previous one ends, hashing only the files whose
// mtime changed, spread over a bounded pool of goroutines. Each result goes to the peers
// supervisor, which hands it to every worker handler: it is computed once, never per worker.
//
// A change the folder watcher reports starts a scan sooner, but never a storm: one scan runs at
// a time; changes seen before a scan started are that scan's (it reads the files after them);
// any number of changes seen while a scan runs make exactly one more; and a scan started by a
// change waits at least scanMinGap, and as long as the previous scan took, after that scan, so
// a steady trickle of writes costs at most half the time of one hashing goroutine pool.
type LocalIntegrity struct {
	kit      *Kit
	settings Settings
	peers    *actor.PID
	log      *logrus.Entry
	// beforeScan, when set, runs on each scan's goroutine before it reads anything (tests
	// hold a scan open with it).
	beforeScan func(ctx context.Context)

	scanner    *integrity.Scanner
	current    integrity.Metadata
	sent       integrity.Metadata // the last metadata handed to the peers (nil: none yet)
	held       bool               // the gate holds the current tree back
	tick       timer
	tickGen    uint64 // the integrityTick a stale shot carries is ignored
	work       *offload
	running    bool
	again      bool      // a change was seen during the running scan: one more follows it
	soon       bool      // tick holds a paced start for a change, not the recalculate_integrity one
	started    time.Time // when the running (or last) scan started
	earliest   time.Time // no change-started scan before this
	scans      int
	lastChange time.Time
	scannedAt  time.Time
}

// scanMinGap is the least time between the end of a scan and a scan a change starts: the burst
// of events one operation makes (an unpacked ruleset, a mass enrolment writing client.keys)
// costs a few scans, not one per file.
const scanMinGap = 200 * time.Millisecond

type watchFailed struct{ err error }

// RescanIntegrity asks local-integrity for a scan now (a watched folder changed), instead of
// at the end of its current interval. Seen is when the change was last seen (the folder watcher
// sets it): a scan that started after Seen already covers it. A zero Seen always asks for a
// scan after the running one, if any.
type RescanIntegrity struct{ Seen time.Time }

// IntegrityUpdated carries the master's metadata after a scan to the peers supervisor and on to
// every handler. Meta is never modified once sent. Changed says whether it differs from the
// previous scan's.
type IntegrityUpdated struct {
	Meta    integrity.Metadata
	Changed bool
	At      time.Time
}

// IntegrityQuery asks local-integrity what it last computed; it answers *IntegrityQueryReply.
type IntegrityQuery struct{}

// IntegrityQueryReply tells how many files the last scan found and when it ended, how many
// scans the actor started, whether one runs or waits, and the latest change the watcher saw.
type IntegrityQueryReply struct {
	Files      int
	At         time.Time
	Scans      int
	Running    bool
	Pending    bool
	LastChange time.Time
}

type integrityTick struct{ gen uint64 }

type scanDone struct {
	meta  integrity.Metadata
	stats integrity.ScanStats
	err   error
	start time.Time
	held  bool // the tree gate did not let this tree out
	gate  error
}

// NewLocalIntegrity returns the producer of the master's local-integrity actor.
func NewLocalIntegrity(kit *Kit, settings Settings, peers *actor.PID) actor.Producer {
	return newLocalIntegrity(kit, settings, peers, nil)
}

func newLocalIntegrity(kit *Kit, settings Settings, peers *actor.PID, beforeScan func(context.Context)) actor.Producer {
	return func() actor.Actor {
		return &LocalIntegrity{kit: kit, settings: settings, peers: peers, beforeScan: beforeScan,
			log: kit.Logger("Master", "Local integrity")}
	}
}

// Receive implements actor.Actor.
func (l *LocalIntegrity) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// The mtime cache is only a cache: a restarted actor starts with a full scan.
		l.scanner = &integrity.Scanner{Home: l.settings.Home, Workers: l.settings.HashWorkers}
		l.work = newOffload(l.kit)
		l.watch(c)
		l.scan(c)
	case *watchFailed:
		l.log.Warnf("Not watching the synced folders (%v); changes are noticed every %s.", m.err, l.settings.RecalculateIntegrity)
	case *integrityTick:
		if m.gen == l.tickGen { // a shot fired before it was cancelled is stale
			l.soon = false
			l.scan(c)
		}
	case *RescanIntegrity:
		l.changed(c, m.Seen)
	case *scanDone:
		l.done(c, m)
	case *IntegrityQuery:
		c.Respond(&IntegrityQueryReply{Files: len(l.current), At: l.scannedAt, Scans: l.scans,
			Running: l.running, Pending: l.again || l.soon, LastChange: l.lastChange})
	case *actor.Restarting, *actor.Stopping:
		l.tick.stop()
		l.work.stop()
	}
}

// watch starts the file watcher that makes a change on the master reach the workers within
// about a second instead of at the next recalculate_integrity tick.
func (l *LocalIntegrity) watch(c actor.Context) {
	root, self, home, now := l.kit.System.Root, c.Self(), l.settings.Home, l.kit.Now
	l.work.Run(c, 0, func(ctx context.Context) any {
		err := watchSyncedFolders(ctx, home, now, func(seen time.Time) { root.Send(self, &RescanIntegrity{Seen: seen}) })
		if err != nil && ctx.Err() == nil {
			return &watchFailed{err: err}
		}
		return nil
	})
}

// changed handles a change seen at seen (zero: now): nothing when the running or last scan
// started after it, one more scan when one runs, else a scan as soon as the pacing allows.
func (l *LocalIntegrity) changed(c actor.Context, seen time.Time) {
	if seen.After(l.lastChange) {
		l.lastChange = seen
	}
	switch {
	case !seen.IsZero() && seen.Before(l.started):
		return
	case l.running:
		l.again = true
	case l.soon:
	default:
		if wait := l.earliest.Sub(l.kit.Now()); wait > 0 {
			l.soon = true
			l.arm(c, wait)
			return
		}
		l.scan(c)
	}
}

// arm (re)sets the one timer: the next scan starts after d.
func (l *LocalIntegrity) arm(c actor.Context, d time.Duration) {
	l.tickGen++
	l.tick.after(l.kit, d, c.Self(), &integrityTick{gen: l.tickGen})
}

func (l *LocalIntegrity) scan(c actor.Context) {
	if l.running {
		l.again = true
		return
	}
	l.tick.stop()
	l.tickGen++
	l.running, l.soon = true, false
	l.scans++
	l.log.Info("Starting.")
	scanner, prev, before, gate := l.scanner, l.current, l.beforeScan, l.settings.TreeGate
	l.started = l.kit.Now()
	start := l.started
	l.work.Run(c, 0, func(ctx context.Context) any {
		if before != nil {
			before(ctx)
		}
		meta, stats, err := scanner.Scan(ctx, prev)
		done := &scanDone{meta: meta, stats: stats, err: err, start: start}
		if err == nil && gate != nil {
			ok, gerr := gate.Distribute(ctx, TreeDigest(meta))
			done.held, done.gate = !ok, gerr
		}
		return done
	})
}

func (l *LocalIntegrity) done(c actor.Context, m *scanDone) {
	l.running = false
	now := l.kit.Now()
	l.earliest = now.Add(max(scanMinGap, now.Sub(m.start)))
	if m.err != nil {
		l.log.Errorf("Error calculating local file integrity: %v", m.err)
	} else {
		l.current = m.meta
		l.scannedAt = l.kit.Now()
		l.log.Infof("Finished in %.3fs. Calculated metadata of %d files.", l.kit.Now().Sub(m.start).Seconds(), len(m.meta))
		l.distribute(c, m)
	}
	if l.again {
		l.again = false
		l.soon = true
		l.arm(c, l.earliest.Sub(now))
		return
	}
	l.arm(c, l.settings.RecalculateIntegrity)
}

// distribute hands a scan to the peers unless the tree gate held it back: then the workers
// keep their files, and are given no permission to synchronise.
func (l *LocalIntegrity) distribute(c actor.Context, m *scanDone) {
	switch {
	case m.gate != nil:
		l.log.Errorf("Not distributing the files: their generation could not be recorded (%v); trying again at the next scan.", m.gate)
		return
	case m.held:
		if !l.held {
			l.log.Error("Not distributing the files: they are not the tree the previous acting master distributed " +
				"(older, or missing). Workers keep theirs until the same tree, or a change made on this node, is here.")
		}
		l.held = true
		return
	}
	if l.held {
		l.log.Info("The files are distributed again.")
	}
	l.held = false
	changed := l.sent == nil || !sameMetadata(l.sent, m.meta)
	l.sent = m.meta
	c.Send(l.peers, &IntegrityUpdated{Meta: m.meta, Changed: changed, At: l.kit.Now()})
}

// sameMetadata reports whether two scans found the same files with the same contents.
func sameMetadata(a, b integrity.Metadata) bool {
	if len(a) != len(b) {
		return false
	}
	for path, fa := range a {
		fb, ok := b[path]
		if !ok || fa.Hash != fb.Hash || fa.ClusterItemKey != fb.ClusterItemKey {
			return false
		}
	}
	return true
}
