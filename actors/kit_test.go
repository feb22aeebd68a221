package actors

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/logging"
)

// counter is a test actor that counts the messages it handles and its starts.
type counter struct {
	handled *atomic.Int64
	starts  *atomic.Int64
}

func (c *counter) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Started:
		c.starts.Add(1)
	case string:
		c.handled.Add(1)
	}
}

func newTestKit(t *testing.T) *Kit {
	t.Helper()
	return NewKit(logging.Discard(), 7, actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(logging.NewSlogHandler(logging.Discard()))
	}))
}

// waitTimeout bounds every wait of the package's tests for something an actor does.
const waitTimeout = 5 * time.Second

func spawnSupervised(t *testing.T, k *Kit) (*actor.PID, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	handled, starts := &atomic.Int64{}, &atomic.Int64{}
	root, err := SpawnSupervisor(k, k.System.Root, "node", logging.Discard(),
		ChildSpec{Name: "child", Producer: func() actor.Actor { return &counter{handled: handled, starts: starts} }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.System.Root.StopFuture(root).Wait() })
	poll.Until(t, waitTimeout, "child started", func() bool { return k.Registry.Lookup("node/child") })
	return k.System.NewLocalPID("node/child"), handled, starts
}

func TestRegistryCountsMessagesAndShowsTree(t *testing.T) {
	k := newTestKit(t)
	child, handled, _ := spawnSupervised(t, k)
	for i := range 10 {
		k.System.Root.Send(child, fmt.Sprint(i))
	}
	poll.Until(t, waitTimeout, "10 messages handled", func() bool { return handled.Load() == 10 })
	poll.Until(t, waitTimeout, "mailbox drained", func() bool {
		for _, a := range k.Registry.Snapshot() {
			if a.Path == "node/child" {
				return a.Received == 10 && a.MailboxDepth == 0 && a.State == StateRunning
			}
		}
		return false
	})
	if got := k.Registry.Paths(); len(got) != 2 || got[0] != "node" || got[1] != "node/child" {
		t.Fatalf("paths %v", got)
	}
}

func TestPanicFaultRestartsInPlaceAndIsCounted(t *testing.T) {
	k := newTestKit(t)
	child, handled, starts := spawnSupervised(t, k)
	k.Faults.Set("node/child", Fault{PanicOnNth: 3, Times: 1})
	for i := range 5 {
		k.System.Root.Send(child, fmt.Sprint(i))
	}
	// The third message is lost with the failed instance (protoactor drops it); the others
	// reach the restarted actor.
	poll.Until(t, waitTimeout, "4 messages handled", func() bool { return handled.Load() == 4 })
	poll.Until(t, waitTimeout, "restart counted", func() bool {
		for _, a := range k.Registry.Snapshot() {
			if a.Path == "node/child" {
				return a.Restarts == 1 && a.LastFailure != ""
			}
		}
		return false
	})
	if starts.Load() != 2 {
		t.Fatalf("started %d times, want 2", starts.Load())
	}
}

func TestStoppedChildIsSpawnedAgain(t *testing.T) {
	k := newTestKit(t)
	child, _, starts := spawnSupervised(t, k)
	k.System.Root.Stop(child)
	poll.Until(t, waitTimeout, "child spawned again", func() bool { return starts.Load() == 2 && k.Registry.Lookup("node/child") })
	k.System.Root.Stop(child)
	poll.Until(t, waitTimeout, "child spawned a third time", func() bool { return starts.Load() == 3 && k.Registry.Lookup("node/child") })
	for _, a := range k.Registry.Snapshot() {
		if a.Path == "node/child" && a.Restarts != 2 {
			t.Fatalf("restarts %d, want 2", a.Restarts)
		}
	}
}

func TestDropFaultLosesOnlyMatchingMessages(t *testing.T) {
	k := newTestKit(t)
	child, handled, _ := spawnSupervised(t, k)
	k.Faults.Set("node/*", Fault{DropProbability: 1, Times: 3})
	for i := range 6 {
		k.System.Root.Send(child, fmt.Sprint(i))
	}
	poll.Until(t, waitTimeout, "3 of 6 handled", func() bool { return handled.Load() == 3 })
}

func TestPanicInStartedIsRetriedWithBackoff(t *testing.T) {
	k := newTestKit(t)
	k.Faults.Set("node/child", Fault{PanicInStarted: true, Times: 3})
	_, _, starts := spawnSupervised(t, k)
	// Started panicked three times; the fourth start succeeds.
	poll.Until(t, waitTimeout, "child running", func() bool { return starts.Load() >= 1 })
}

func TestSendRequestRefusedWhenNotConnected(t *testing.T) {
	k := newTestKit(t)
	pid, err := k.System.Root.SpawnNamed(k.Props(NewWorkerHandler(k, Settings{NodeName: "w", NodeIP: "127.0.0.1", Port: 1,
		ConnectionRetry: time.Hour, DialTimeout: 50 * time.Millisecond, RequestTimeout: time.Second}, nil)), "master")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = k.System.Root.StopFuture(pid).Wait(); k.Wait(time.Second) }()
	reply := make(chan *Response, 1)
	k.System.Root.Send(pid, &SendRequest{Command: "echo-c", Payload: []byte("keepalive"), Reply: reply})
	select {
	case r := <-reply:
		var werr interface{ Error() string }
		if !errors.As(r.Err, &werr) || r.Err.Error() != "Error 3023 - Worker node is not connected to master" {
			t.Fatalf("got %v", r.Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
	}
}
