package actors

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
)

// slowImporter takes cost for every import, as 100,000 keys on a loaded worker do, and records
// what it was given.
type slowImporter struct {
	cost time.Duration

	mu       sync.Mutex
	done     int
	steps    []time.Duration
	deadline bool
}

func (s *slowImporter) ImportKeys(ctx context.Context, step time.Duration) error {
	_, hasDeadline := ctx.Deadline()
	select {
	case <-time.After(s.cost):
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done++
	s.steps = append(s.steps, step)
	s.deadline = s.deadline || hasDeadline
	return nil
}

func (s *slowImporter) finished() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

// An import that outlasts the request timeout is not cut short: the deadline bounds each of its
// transactions (the step it is given), not the whole. With the whole bounded, a worker importing
// 100,000 keys on a loaded machine was cut short at every try and trailed the master for minutes.
func TestKeysImportOutlastingTheRequestTimeoutFinishes(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "etc"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "etc", "client.keys"), []byte("001 a any k\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	k := newTestKit(t)
	importer := &slowImporter{cost: 300 * time.Millisecond}
	settings := Settings{NodeName: "worker1", Home: home, RequestTimeout: 50 * time.Millisecond,
		Services: Services{Keys: importer}}
	pid := k.System.Root.Spawn(actor.PropsFromProducer(NewKeysWatch(k, settings)))
	t.Cleanup(func() { _ = k.System.Root.StopFuture(pid).Wait() })

	poll.Until(t, waitTimeout, "the import done", func() bool { return importer.finished() >= 1 })
	importer.mu.Lock()
	defer importer.mu.Unlock()
	if importer.deadline {
		t.Fatal("the whole import had a deadline")
	}
	if importer.steps[0] != settings.RequestTimeout {
		t.Fatalf("each transaction bounded by %s, want the request timeout %s", importer.steps[0], settings.RequestTimeout)
	}
}
