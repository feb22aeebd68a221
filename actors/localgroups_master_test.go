package actors

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// countingGroups is a GroupsStore whose reads take cost each and are counted.
type countingGroups struct {
	cost time.Duration

	mu     sync.Mutex
	cycles []time.Time // when each PendingGroups began
}

func (g *countingGroups) PendingGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error) {
	g.mu.Lock()
	g.cycles = append(g.cycles, time.Now())
	g.mu.Unlock()
	select {
	case <-time.After(g.cost):
	case <-ctx.Done():
	}
	return nil, ctx.Err()
}

func (g *countingGroups) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.cycles)
}

func (g *countingGroups) AllGroups(context.Context) ([]messages.AgentGroupsEntry, error) {
	return nil, nil
}
func (g *countingGroups) MarkGroupsSynced(context.Context, []messages.AgentGroupsEntry) error {
	return nil
}
func (g *countingGroups) GlobalGroupHash(context.Context) (string, bool, error) {
	return "", false, nil
}
func (g *countingGroups) ApplyGroups(context.Context, []messages.AgentGroupsEntry) error {
	return nil
}
func (g *countingGroups) RecalculateGroupHashes(context.Context) error  { return nil }
func (g *countingGroups) RebuildShared(context.Context, []string) error { return nil }

// TestLocalGroupsPacesBursts: a burst of changes does not start a cycle per change, and the
// last change of the burst is still read.
func TestLocalGroupsPacesBursts(t *testing.T) {
	k := newTestKit(t)
	store := &countingGroups{cost: 20 * time.Millisecond}
	settings := Settings{SyncAgentGroups: time.Hour, AgentGroupStartDelay: time.Millisecond,
		TimeoutAgentGroups: time.Minute, Services: Services{Groups: store}}
	sink := k.System.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*connectedWorkersQuery); ok {
			c.Respond(&connectedWorkers{n: 1}) // a worker is connected: cycles read
		}
	}))
	pid := k.System.Root.Spawn(actor.PropsFromProducer(NewLocalGroups(k, settings, sink, nil)))
	t.Cleanup(func() {
		_ = k.System.Root.StopFuture(pid).Wait()
		_ = k.System.Root.StopFuture(sink).Wait()
	})
	poll.Until(t, waitTimeout, "the first cycle", func() bool { return store.count() == 1 })

	// Changes keep coming for a second, as when thousands of agents enroll: unpaced, each
	// cycle's end would start another at once (about 50 here).
	start := time.Now()
	changes := 0
	for time.Since(start) < time.Second {
		k.System.Root.Send(pid, &GroupsChanged{})
		changes++
		time.Sleep(2 * time.Millisecond) // the pace of the changes, not a wait for a result
	}
	// The burst is read at least once more after it was sent.
	poll.Until(t, waitTimeout, "a cycle after the burst", func() bool { return store.count() >= 2 })
	elapsed := time.Since(start)
	burstCycles := store.count() - 1
	// One paced cycle per groupsMinGap at most, plus the one that may start at once.
	if limit := int(elapsed/groupsMinGap) + 2; burstCycles > limit {
		t.Fatalf("%d changes started %d cycles in %s (limit %d)", changes, burstCycles, elapsed, limit)
	}

	// A lone change after the burst is still read, once the pacing allows.
	before := store.count()
	k.System.Root.Send(pid, &GroupsChanged{})
	poll.Until(t, waitTimeout, "a cycle for the lone change", func() bool { return store.count() > before })
	store.mu.Lock()
	gap := store.cycles[len(store.cycles)-1].Sub(store.cycles[len(store.cycles)-2])
	store.mu.Unlock()
	if gap < groupsMinGap {
		t.Fatalf("cycles %s apart, want at least %s", gap, groupsMinGap)
	}
}

// failingRebuild is a countingGroups whose first rebuild of merged.mg fails (after writing some
// files, as a real failure may); every rebuild is recorded.
type failingRebuild struct {
	countingGroups
	rmu      sync.Mutex
	rebuilds [][]string
}

func (g *failingRebuild) RebuildShared(_ context.Context, groups []string) error {
	g.rmu.Lock()
	defer g.rmu.Unlock()
	g.rebuilds = append(g.rebuilds, groups)
	if len(g.rebuilds) == 1 {
		return errors.New("disk full")
	}
	return nil
}

func (g *failingRebuild) calls() [][]string {
	g.rmu.Lock()
	defer g.rmu.Unlock()
	return append([][]string(nil), g.rebuilds...)
}

// TestLocalGroupsFailedRebuildIsScannedAndRetried: a rebuild of merged.mg that fails may have
// written part of the files, which the folder watcher ignores: local-integrity is still asked
// for a scan, and the groups are rebuilt again by the next cycle rather than forgotten.
func TestLocalGroupsFailedRebuildIsScannedAndRetried(t *testing.T) {
	k := newTestKit(t)
	store := &failingRebuild{}
	settings := Settings{SyncAgentGroups: time.Hour, AgentGroupStartDelay: time.Millisecond,
		TimeoutAgentGroups: time.Minute, Services: Services{Groups: store}}
	var rescans atomic.Int32
	sink := k.System.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch c.Message().(type) {
		case *connectedWorkersQuery:
			c.Respond(&connectedWorkers{n: 1})
		case *RescanIntegrity:
			rescans.Add(1)
		}
	}))
	pid := k.System.Root.Spawn(actor.PropsFromProducer(NewLocalGroups(k, settings, sink, sink)))
	t.Cleanup(func() {
		_ = k.System.Root.StopFuture(pid).Wait()
		_ = k.System.Root.StopFuture(sink).Wait()
	})
	poll.Until(t, waitTimeout, "the failed first rebuild and its scan", func() bool {
		return len(store.calls()) == 1 && rescans.Load() == 1 && store.count() == 1
	})
	poll.Until(t, 2*waitTimeout, "the rebuild retried by the next cycle", func() bool {
		k.System.Root.Send(pid, &GroupsChanged{})
		return len(store.calls()) >= 2 && rescans.Load() >= 2
	})
	if again := store.calls()[1]; again != nil {
		t.Fatalf("the retry rebuilt %q, want every group (nil) as the failed rebuild", again)
	}
}
