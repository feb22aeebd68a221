package actors

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
)

// drainee handles string messages slowly and records what it handled and when it stopped.
type drainee struct {
	name string
	log  *drainLog
}

type drainLog struct {
	mu      sync.Mutex
	handled map[string]int
	stopped []string
}

func (d *drainee) Receive(c actor.Context) {
	switch c.Message().(type) {
	case string:
		time.Sleep(time.Millisecond) // a busy actor, so that its mailbox holds work at the drain
		d.log.mu.Lock()
		d.log.handled[d.name]++
		d.log.mu.Unlock()
	case *actor.Stopping:
		d.log.mu.Lock()
		d.log.stopped = append(d.log.stopped, d.name)
		d.log.mu.Unlock()
	}
}

// A drained supervisor stops its children the last started first, each after the messages
// already in its mailbox, then stops itself; none is spawned again.
func TestDrainStopsChildrenInReverseOrderAfterTheirMailbox(t *testing.T) {
	k := newTestKit(t)
	log := &drainLog{handled: map[string]int{}}
	names := []string{"first", "second", "third"}
	var specs []ChildSpec
	for _, name := range names {
		specs = append(specs, ChildSpec{Name: name, Producer: func() actor.Actor { return &drainee{name: name, log: log} }})
	}
	sup, err := SpawnSupervisor(k, k.System.Root, "role", k.Log, specs...)
	if err != nil {
		t.Fatal(err)
	}
	poll.Until(t, waitTimeout, "children started", func() bool { return len(k.Registry.Paths()) == 4 })
	const queued = 50
	for _, name := range names {
		pid := k.System.NewLocalPID("role/" + name)
		for i := range queued {
			k.System.Root.Send(pid, fmt.Sprint(i))
		}
	}
	stopped := make(chan struct{})
	watcher := k.System.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *actor.Started:
			c.Watch(sup)
		case *actor.Terminated:
			if m.Who.Equal(sup) {
				close(stopped)
			}
		}
	}))
	defer k.System.Root.Stop(watcher)
	k.System.Root.Send(sup, &drainChildren{})
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the supervisor did not stop")
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if want := []string{"third", "second", "first"}; !slices.Equal(log.stopped, want) {
		t.Fatalf("children stopped in the order %v, want %v", log.stopped, want)
	}
	for _, name := range names {
		if log.handled[name] != queued {
			t.Fatalf("%s handled %d of its %d queued messages", name, log.handled[name], queued)
		}
	}
	if paths := k.Registry.Paths(); len(paths) != 0 {
		t.Fatalf("still running: %v", paths)
	}
}
