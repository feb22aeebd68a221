package actors

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
)

// integrityRig is a master's local-integrity actor over a real folder tree, watched with
// inotify, whose scans can be held open; the metadata it sends is kept.
type integrityRig struct {
	t    *testing.T
	k    *Kit
	home string
	pid  *actor.PID

	hold    atomic.Bool   // the next scans wait for release
	entered chan struct{} // a held scan started
	release chan struct{}

	mu   sync.Mutex
	last *IntegrityUpdated
}

func newIntegrityRig(t *testing.T) *integrityRig {
	t.Helper()
	r := &integrityRig{t: t, k: newTestKit(t), home: t.TempDir(),
		entered: make(chan struct{}, 16), release: make(chan struct{})}
	for _, dir := range []string{"etc/rules", "etc/shared/default", "var/multigroups/0a1b2c3d"} {
		if err := os.MkdirAll(filepath.Join(r.home, dir), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	r.write("etc/shared/default/agent.conf", "<agent_config/>")
	r.write("etc/rules/local_rules.xml", "<group/>")
	sink := r.k.System.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(*IntegrityUpdated); ok {
			r.mu.Lock()
			r.last = m
			r.mu.Unlock()
		}
	}))
	settings := Settings{Home: r.home, HashWorkers: 2, RecalculateIntegrity: time.Hour}
	r.pid = r.k.System.Root.Spawn(actor.PropsFromProducer(newLocalIntegrity(r.k, settings, sink, r.beforeScan)))
	t.Cleanup(func() {
		_ = r.k.System.Root.StopFuture(r.pid).Wait()
		_ = r.k.System.Root.StopFuture(sink).Wait()
	})
	r.idle("the first scan", 1)
	return r
}

func (r *integrityRig) beforeScan(ctx context.Context) {
	if !r.hold.Load() {
		return
	}
	r.entered <- struct{}{}
	select {
	case <-r.release:
	case <-ctx.Done():
	}
}

func (r *integrityRig) write(rel, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.home, filepath.FromSlash(rel)), []byte(content), 0o640); err != nil {
		r.t.Fatal(err)
	}
}

// writeAtomic writes rel as groupfiles writes merged.mg: a temporary file renamed in place.
func (r *integrityRig) writeAtomic(rel, content string) {
	r.t.Helper()
	path := filepath.Join(r.home, filepath.FromSlash(rel))
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o640); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		r.t.Fatal(err)
	}
}

func (r *integrityRig) query() *IntegrityQueryReply {
	r.t.Helper()
	res, err := r.k.System.Root.RequestFuture(r.pid, &IntegrityQuery{}, waitTimeout).Result()
	if err != nil {
		r.t.Fatal(err)
	}
	return res.(*IntegrityQueryReply)
}

// idle waits until at least scans scans ran, none runs and none waits, and returns the count.
func (r *integrityRig) idle(what string, scans int) int {
	r.t.Helper()
	var q *IntegrityQueryReply
	poll.Until(r.t, 2*waitTimeout, what, func() bool {
		q = r.query()
		return q.Scans >= scans && !q.Running && !q.Pending
	})
	return q.Scans
}

// seen waits until the watcher reported a change seen at or after t.
func (r *integrityRig) seen(t time.Time) {
	r.t.Helper()
	poll.Until(r.t, 2*waitTimeout, "the watcher saw the last write", func() bool {
		return !r.query().LastChange.Before(t)
	})
}

// TestLocalIntegrityIgnoresTheMastersOwnMergedWrites: the master rewriting merged.mg files (a
// rebuild after a ruleset change, remoted's multigroups) starts no scan per write; local-groups
// asks for one scan when it is done instead. Unfixed, each write started a scan of its own
// (about ten here).
func TestLocalIntegrityIgnoresTheMastersOwnMergedWrites(t *testing.T) {
	r := newIntegrityRig(t)
	for i := range 40 {
		r.writeAtomic("etc/shared/default/merged.mg", fmt.Sprintf("#default %d\n", i))
		r.writeAtomic("var/multigroups/0a1b2c3d/merged.mg", fmt.Sprintf("#multi %d\n", i))
		time.Sleep(25 * time.Millisecond) // the pace of a rebuild's writes, not a wait for a result
	}
	// A change the watcher does report, after all the writes: once it is seen, every event of
	// the writes before it was read too (inotify keeps their order).
	before := time.Now()
	r.write("etc/rules/local_rules.xml", "<group name=\"changed\"/>")
	r.seen(before)
	scans := r.idle("the scan of the rules change", 2)
	if extra := scans - 1; extra > 2 {
		t.Fatalf("80 merged.mg writes and one rules change started %d scans, want 1 (2 at most)", extra)
	}
}

// TestLocalIntegrityCoalescesChangesDuringAScan: any number of changes while a scan runs make
// exactly one more scan, which sees them all.
func TestLocalIntegrityCoalescesChangesDuringAScan(t *testing.T) {
	r := newIntegrityRig(t)
	r.hold.Store(true)
	r.write("etc/rules/local_rules.xml", "<group name=\"first\"/>")
	select {
	case <-r.entered:
	case <-time.After(2 * waitTimeout):
		t.Fatal("no scan started for the change")
	}
	r.hold.Store(false)
	for i := range 100 {
		r.write(fmt.Sprintf("etc/rules/rule_%03d.xml", i), "<group/>")
		r.write("etc/shared/default/agent.conf", fmt.Sprintf("<agent_config n=\"%d\"/>", i))
		if i%10 == 0 {
			time.Sleep(20 * time.Millisecond) // spread the writes over several debounce windows
		}
	}
	before := time.Now()
	r.write("etc/rules/zz_last.xml", "<group/>")
	r.seen(before)
	if q := r.query(); !q.Running || !q.Pending || q.Scans != 2 {
		t.Fatalf("during the held scan: %+v, want scan 2 running and one pending", q)
	}
	close(r.release)
	if scans := r.idle("the scan after the held one", 3); scans != 3 {
		t.Fatalf("changes during one scan made %d more scans, want 1", scans-2)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, want := range []string{"etc/rules/rule_099.xml", "etc/rules/zz_last.xml"} {
		if _, ok := r.last.Meta[want]; !ok {
			t.Fatalf("the last scan has no %s", want)
		}
	}
}

// TestLocalIntegrityRebuildDuringAScanGetsOneMore: local-groups' request after a rebuild of
// merged.mg (which the watcher ignores) that arrives while a scan runs makes one more scan, even
// though the running scan may have read the folder before the write; the last metadata has
// the rebuilt file.
func TestLocalIntegrityRebuildDuringAScanGetsOneMore(t *testing.T) {
	r := newIntegrityRig(t)
	r.hold.Store(true)
	r.k.System.Root.Send(r.pid, &RescanIntegrity{})
	select {
	case <-r.entered:
	case <-time.After(2 * waitTimeout):
		t.Fatal("no scan started")
	}
	r.hold.Store(false)
	r.writeAtomic("etc/shared/default/merged.mg", "#default rebuilt\n")
	r.k.System.Root.Send(r.pid, &RescanIntegrity{}) // what local-groups sends after the rebuild
	poll.Until(t, 2*waitTimeout, "the request noted during the scan", func() bool {
		q := r.query()
		return q.Running && q.Pending
	})
	close(r.release)
	if scans := r.idle("the scan after the held one", 3); scans != 3 {
		t.Fatalf("%d scans, want 3: the first, the held one, and one for the rebuild", scans)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.last.Meta["etc/shared/default/merged.mg"]; !ok {
		t.Fatal("the last scan has no etc/shared/default/merged.mg")
	}
}
