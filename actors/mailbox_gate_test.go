package actors

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
)

// recorder records what it handles, in order.
type recorder struct{ got chan<- string }

type earlyHello struct{}

func (r recorder) Receive(c actor.Context) {
	switch c.Message().(type) {
	case *actor.Started:
		r.got <- "started"
	case *earlyHello:
		r.got <- "hello"
	}
}

// A message sent to an actor while the actor library is still spawning it (after its PID is
// registered, before its mailbox has a dispatcher: where the library runs OnInit) reaches the
// actor after Started, and the actor runs and stops as any other. Without the gate the send
// failed on a nil dispatcher and the actor never started.
func TestMessageSentDuringSpawnArrivesAfterStarted(t *testing.T) {
	k := newTestKit(t)
	got := make(chan string, 4)
	props := k.Props(func() actor.Actor { return recorder{got: got} },
		actor.WithOnInit(func(c actor.Context) { k.System.Root.Send(c.Self(), &earlyHello{}) }))
	pid, err := k.System.Root.SpawnNamed(props, "early")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"started", "hello"} {
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("handled %q, want %q", g, want)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("the actor never handled %q", want)
		}
	}
	if err := k.System.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	poll.Until(t, waitTimeout, "early unregistered", func() bool { return !k.Registry.Lookup("early") })
}
