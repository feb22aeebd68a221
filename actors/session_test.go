package actors

import (
	"errors"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/node/logging"
)

// A handler's PID outlives its connection (the worker's next connection gets a handler under the
// same path), so a request a goroutine meant for the previous connection must not go out on
// the current one.
func TestSessionRefusesRequestsForAnotherConnection(t *testing.T) {
	k := newTestKit(t)
	current, previous := &link{}, &link{}
	s := newSession(k, logging.Discard(), current, time.Second, nil)
	pid := k.System.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if req, ok := c.Message().(*SendRequest); ok {
			s.request(c, req)
		}
	}))
	t.Cleanup(func() { _ = k.System.Root.StopFuture(pid).Wait() })
	reply := make(chan *Response, 1)
	k.System.Root.Send(pid, &SendRequest{Command: "syn_m_c_e", Reply: reply, Conn: previous})
	select {
	case resp := <-reply:
		if !errors.Is(resp.Err, ErrConnectionLost) {
			t.Fatalf("response %+v, want ErrConnectionLost", resp)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
	}
}
