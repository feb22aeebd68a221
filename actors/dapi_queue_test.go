package actors

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/messages/poll"
)

// askerStub plays the actor that owns the askers' connection: it answers every request sent
// through it as a client would (ok, "1" as a string id) and counts the answers by command.
type askerStub struct {
	mu  sync.Mutex
	got map[string][]string
}

func (a *askerStub) Receive(c actor.Context) {
	m, ok := c.Message().(*SendRequest)
	if !ok {
		return
	}
	a.mu.Lock()
	a.got[m.Command] = append(a.got[m.Command], string(m.Payload))
	a.mu.Unlock()
	if m.Reply != nil {
		m.Reply <- &Response{Frame: messages.Frame{Command: messages.CmdOK, Payload: []byte("1")}}
	}
}

func (a *askerStub) count(command, text string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, p := range a.got[command] {
		if strings.Contains(p, text) {
			n++
		}
	}
	return n
}

// gatedExecutor holds every request until its context ends.
type gatedExecutor struct{}

func (gatedExecutor) Execute(ctx context.Context, _ *dapi.Request) (dapi.Result, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// The queue holds at most maxDapiRunning requests running and maxDapiQueued waiting: beyond,
// a request is answered with dapi_err at once. When the queue stops, every request it holds,
// running or waiting, is answered with dapi_err: none is left to its asker's timeout.
func TestDAPIQueueIsBoundedAndAnswersEverything(t *testing.T) {
	k := newTestKit(t)
	asker := &askerStub{got: map[string][]string{}}
	askerPID := k.System.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return asker }))
	s := Settings{NodeName: "worker1", NodeType: TypeWorker, RequestTimeout: waitTimeout, DAPIRequestTimeout: time.Hour,
		Services: Services{DAPI: gatedExecutor{}}}
	queue, err := k.Spawn(k.System.Root, "dapi", NewDAPIQueue(k, s, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { k.System.Root.Stop(askerPID); k.Wait(waitTimeout) }()
	f, _ := dapi.LookupFunction("wazuh.manager", "get_basic_info")
	// wait_for_complete: no execution timeout, the request runs until the queue stops.
	body := (&dapi.Request{F: f, Type: dapi.LocalAny, WaitForComplete: true, APITimeout: 10}).Encode()
	const extra = 5
	for i := range maxDapiRunning + maxDapiQueued + extra {
		k.System.Root.Send(queue, &dapiJob{origin: dapiOrigin{handler: askerPID, node: "master", id: "r" + string(rune('a'+i%26))}, body: body})
	}
	poll.Until(t, waitTimeout, "the requests beyond the bounds refused", func() bool {
		return asker.count(messages.CmdDapiErr, "queue is full") == extra
	})
	if n := asker.count(messages.CmdDapiRes, ""); n != 0 {
		t.Fatalf("%d requests answered while every one is still running", n)
	}
	if err := k.System.Root.StopFuture(queue).Wait(); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 2*waitTimeout, "every request answered", func() bool {
		return asker.count(messages.CmdDapiErr, "") == maxDapiRunning+maxDapiQueued+extra
	})
	if !k.Wait(waitTimeout) {
		t.Fatal("the queue's goroutines outlived it")
	}
}
