package actors

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/logging"
)

// stuckOnStop is an actor whose Stopping waits for release: an actor that does not stop.
type stuckOnStop struct{ release <-chan struct{} }

func (s *stuckOnStop) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Stopping); ok {
		<-s.release
	}
}

// signalRoot is a supervisor that closes stopped once it, and so its children, stopped.
type signalRoot struct {
	*Supervisor
	stopped chan struct{}
}

func (r *signalRoot) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Stopped); ok {
		close(r.stopped)
	}
	r.Supervisor.Receive(c)
}

// A tree that does not stop within the timeout: Stop says so, naming the actor that still
// runs, and returns at the timeout rather than at a fixed one of the actor library's.
func TestTreeStopNamesWhatStillRuns(t *testing.T) {
	k := newTestKit(t)
	release, stopped := make(chan struct{}), make(chan struct{})
	defer func() {
		close(release)
		<-stopped
		k.Wait(waitTimeout)
	}()
	sup := &Supervisor{kit: k, log: logging.Discard(), specs: []ChildSpec{
		{Name: "stuck", Producer: func() actor.Actor { return &stuckOnStop{release: release} }},
	}}
	root, err := k.Spawn(k.System.Root, RootName, func() actor.Actor { return &signalRoot{Supervisor: sup, stopped: stopped} })
	if err != nil {
		t.Fatal(err)
	}
	poll.Until(t, waitTimeout, "stuck started", func() bool { return k.Registry.Lookup(RootName + "/stuck") })
	tree := &Tree{kit: k, Root: root, stopped: stopped}

	start := time.Now()
	err = tree.Stop(300 * time.Millisecond)
	took := time.Since(start)
	if !errors.Is(err, ErrStopTimeout) || !strings.Contains(err.Error(), RootName+"/stuck") {
		t.Fatalf("Stop of a tree that does not stop: %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("Stop returned after %s, not at its 300ms timeout", took)
	}
}

// A tree that stops: Stop returns once every actor has, and none is left registered.
func TestTreeStopEndsEveryActor(t *testing.T) {
	k := newTestKit(t)
	s, socks := loneWorker(t, "c98b62a9b6169ac5f67dae55ae4a9088")
	tree, err := SpawnTree(k, s, socks)
	if err != nil {
		t.Fatal(err)
	}
	poll.Until(t, waitTimeout, "membership started", func() bool { return k.Registry.Lookup(Path(NameMembership)) })
	if err := tree.Stop(waitTimeout); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if paths := k.Registry.Paths(); len(paths) != 0 {
		t.Fatalf("actors still registered after Stop: %v", paths)
	}
	if err := tree.Stop(time.Second); err != nil {
		t.Fatalf("a second Stop: %v", err)
	}
}

// panicsOnStop is an actor whose Stopping fails.
type panicsOnStop struct{}

func (panicsOnStop) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Stopping); ok {
		panic("failed while stopping")
	}
}

// An actor that fails while it stops still stops: its failure does not make its supervisor
// restart it in the middle of the parent's stop, which would then wait for it for ever.
func TestTreeStopSurvivesAPanicWhileStopping(t *testing.T) {
	k := newTestKit(t)
	stopped := make(chan struct{})
	sup := &Supervisor{kit: k, log: logging.Discard(), specs: []ChildSpec{
		{Name: "fails", Producer: func() actor.Actor { return panicsOnStop{} }},
	}}
	root, err := k.Spawn(k.System.Root, RootName, func() actor.Actor { return &signalRoot{Supervisor: sup, stopped: stopped} },
		actor.WithSupervisor(SupervisorStrategy()))
	if err != nil {
		t.Fatal(err)
	}
	poll.Until(t, waitTimeout, "fails started", func() bool { return k.Registry.Lookup(RootName + "/fails") })
	tree := &Tree{kit: k, Root: root, stopped: stopped}
	if err := tree.Stop(waitTimeout); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if paths := k.Registry.Paths(); len(paths) != 0 {
		t.Fatalf("actors still registered after Stop: %v", paths)
	}
}
