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
type LocalIntegrity struct {
	kit      *Kit
	settings Settings
	peers    *actor.PID
	log      *logrus.Entry

	scanner   *integrity.Scanner
	current   integrity.Metadata
	sent      integrity.Metadata // the last metadata handed to the peers (nil: none yet)
	held      bool               // the gate holds the current tree back
	tick      timer
	work      *offload
	running   bool
	again     bool
	scannedAt time.Time
}

type watchFailed struct{ err error }

// RescanIntegrity asks local-integrity for a scan now (a watched folder changed), instead of
// at the end of its current interval.
type RescanIntegrity struct{}

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

// IntegrityQueryReply tells how many files the last scan found and when it ended.
type IntegrityQueryReply struct {
	Files int
	At    time.Time
}

type integrityTick struct{}

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
	return func() actor.Actor {
		return &LocalIntegrity{kit: kit, settings: settings, peers: peers, log: kit.Logger("Master", "Local integrity")}
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
		c.Send(c.Self(), &integrityTick{})
	case *watchFailed:
		l.log.Warnf("Not watching the synced folders (%v); changes are noticed every %s.", m.err, l.settings.RecalculateIntegrity)
	case *integrityTick:
		l.scan(c)
	case *RescanIntegrity:
		if l.running {
			l.again = true
			return
		}
		l.tick.stop()
		l.scan(c)
	case *scanDone:
		l.done(c, m)
	case *IntegrityQuery:
		c.Respond(&IntegrityQueryReply{Files: len(l.current), At: l.scannedAt})
	case *actor.Restarting, *actor.Stopping:
		l.tick.stop()
		l.work.stop()
	}
}

// watch starts the file watcher that makes a change on the master reach the workers within
// about a second instead of at the next recalculate_integrity tick.
func (l *LocalIntegrity) watch(c actor.Context) {
	root, self, home := l.kit.System.Root, c.Self(), l.settings.Home
	l.work.Run(c, 0, func(ctx context.Context) any {
		err := watchSyncedFolders(ctx, home, func() { root.Send(self, &RescanIntegrity{}) })
		if err != nil && ctx.Err() == nil {
			return &watchFailed{err: err}
		}
		return nil
	})
}

func (l *LocalIntegrity) scan(c actor.Context) {
	if l.running {
		l.again = true
		return
	}
	l.running = true
	l.log.Info("Starting.")
	scanner, prev, start, gate := l.scanner, l.current, l.kit.Now(), l.settings.TreeGate
	l.work.Run(c, 0, func(ctx context.Context) any {
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
		l.scan(c)
		return
	}
	l.tick.after(l.kit, l.settings.RecalculateIntegrity, c.Self(), &integrityTick{})
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
