package actors

import (
	"errors"
	"fmt"
	"strings"
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

// cancel_task after cancel_task cannot grow a connection's set of cancelled tasks without end:
// ids longer than a task id are not kept, and the set never holds more than maxCancelledTasks.
func TestCancelledTasksAreBounded(t *testing.T) {
	var set taskSet
	set.add(strings.Repeat("x", maxTaskIDLen+1))
	if len(set.ids) != 0 {
		t.Fatalf("an id of %d bytes was kept", maxTaskIDLen+1)
	}
	for i := range 10 * maxCancelledTasks {
		set.add(fmt.Sprintf("task-%d", i))
		if len(set.ids) > maxCancelledTasks {
			t.Fatalf("%d cancelled tasks kept after %d cancel_task", len(set.ids), i+1)
		}
	}
	last := fmt.Sprintf("task-%d", 10*maxCancelledTasks-1)
	if !set.has(last) {
		t.Fatal("the latest cancelled task was dropped")
	}
}
