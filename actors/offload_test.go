package actors

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/wire"
)

// worky starts one piece of offloaded work per "start" message; the work waits for its context
// and reports why it ended.
type worky struct {
	kit     *Kit
	work    *offload
	running chan struct{}
	ended   chan error
	results *atomic.Int64
}

type workyResult struct{}

func (w *worky) Receive(c actor.Context) {
	switch c.Message().(type) {
	case *actor.Started:
		w.work = newOffload(w.kit)
	case string:
		w.work.Run(c, time.Hour, func(ctx context.Context) any {
			w.running <- struct{}{}
			<-ctx.Done()
			w.ended <- ctx.Err()
			return &workyResult{}
		})
	case *workyResult:
		w.results.Add(1)
	case *actor.Restarting, *actor.Stopping:
		w.work.stop()
	}
}

// The work of an actor ends when the actor stops or restarts, whatever its own timeout, and its
// result never reaches the restarted actor.
func TestOffloadedWorkEndsWithItsActor(t *testing.T) {
	for _, how := range []string{"stop", "restart"} {
		t.Run(how, func(t *testing.T) {
			k := newTestKit(t)
			running, ended, results := make(chan struct{}, 1), make(chan error, 1), &atomic.Int64{}
			pid, err := SpawnSupervisor(k, k.System.Root, "node", k.Log,
				ChildSpec{Name: "worky", Producer: func() actor.Actor { return &worky{kit: k, running: running, ended: ended, results: results} }})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = k.System.Root.StopFuture(pid).Wait(); k.Wait(5 * time.Second) }()
			poll.Until(t, waitTimeout, "worky started", func() bool { return k.Registry.Lookup("node/worky") })
			child := k.System.NewLocalPID("node/worky")
			k.System.Root.Send(child, "start")
			<-running
			if how == "stop" {
				k.System.Root.Stop(child)
			} else {
				k.Faults.Set("node/worky", Fault{PanicOnNth: 1, Times: 1})
				k.System.Root.Send(child, &Poke{})
			}
			select {
			case err := <-ended:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("the work ended with %v, want it cancelled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the work of the stopped actor is still running")
			}
			if !k.Wait(5 * time.Second) {
				t.Fatal("the work's goroutine did not end")
			}
			if n := results.Load(); n != 0 {
				t.Fatalf("%d results of the previous instance were delivered", n)
			}
		})
	}
}

// blockingDaemons answers no request: each waits for its context, which is reported.
type blockingDaemons struct {
	called chan struct{}
	ended  chan error
}

func (d *blockingDaemons) Dispatch(ctx context.Context, _ string, _ []byte) ([]byte, error) {
	d.called <- struct{}{}
	<-ctx.Done()
	d.ended <- ctx.Err()
	return nil, ctx.Err()
}

// A local client's request for a master daemon is not served on once the client is gone: the
// work ends with the connection's actor, not an hour later.
func TestLocalSendsyncEndsWithItsClient(t *testing.T) {
	k := newTestKit(t)
	daemons := &blockingDaemons{called: make(chan struct{}, 1), ended: make(chan error, 1)}
	s := Settings{NodeName: "master", NodeType: TypeMaster, RequestTimeout: time.Hour, SendsyncTimeout: time.Hour,
		Services: Services{Daemons: daemons}}
	server, client := net.Pipe()
	k.Directory.set(k.System, RoleMaster)
	pid, err := k.Spawn(k.System.Root, "1", newLocalConn(k, s, "1", server))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = k.System.Root.StopFuture(pid).Wait(); k.Wait(5 * time.Second) }()
	frame, err := wire.AppendMessage(nil, nil, messages.Frame{Counter: 1, Command: messages.CmdSendSync,
		Payload: []byte(`{"daemon_name":"authd","message":{"function":"add"}}`)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = client.Write(frame) }()
	select {
	case <-daemons.called:
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not reach the daemon")
	}
	_ = client.Close()
	select {
	case err := <-daemons.ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the daemon's request ended with %v, want it cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the daemon's request outlived its client")
	}
}
