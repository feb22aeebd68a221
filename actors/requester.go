package actors

import (
	"context"
	"errors"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// Requester lets a goroutine (a long string or file transfer) send requests through the actor
// that owns a connection and wait for each answer, without that actor ever blocking. It
// implements wire.Requester: an "err" answer is returned as a frame, and only a failure to get
// any answer is an error (3020 timeouts report Timeout() as the senders expect).
type Requester struct {
	root    *actor.RootContext
	handler *actor.PID
	conn    *link // nil: whatever connection the handler has when the request arrives
}

var _ wire.Pipeliner = (*Requester)(nil)

// NewRequester returns a Requester that sends through handler (a MasterHandler or the
// WorkerHandler).
func NewRequester(kit *Kit, handler *actor.PID) *Requester {
	return &Requester{root: kit.System.Root, handler: handler}
}

// newConnRequester returns a Requester whose requests go out on conn only: once the handler
// has another connection they fail with ErrConnectionLost.
func newConnRequester(kit *Kit, handler *actor.PID, conn *link) *Requester {
	return &Requester{root: kit.System.Root, handler: handler, conn: conn}
}

// Request sends one request and waits for its answer or for ctx.
func (r *Requester) Request(ctx context.Context, command string, payload []byte) (messages.Frame, error) {
	return r.Start(ctx, command, payload)()
}

// Start sends one request and returns the function that waits for its answer or for ctx
// (wire.Pipeliner). Requests started one after another from one goroutine reach the handler's
// mailbox, and so the connection, in that order.
func (r *Requester) Start(ctx context.Context, command string, payload []byte) func() (messages.Frame, error) {
	reply := make(chan *Response, 1)
	r.root.Send(r.handler, &SendRequest{Command: command, Payload: payload, Reply: reply, Conn: r.conn})
	return func() (messages.Frame, error) {
		select {
		case resp := <-reply:
			var werr *messages.WazuhError
			switch {
			case resp.Err == nil:
				return resp.Frame, nil
			case resp.Frame.Command == messages.CmdErr:
				return resp.Frame, nil
			case errors.As(resp.Err, &werr) && errors.Is(werr, messages.ErrRequestTimeout):
				return messages.Frame{}, requestTimeout{werr}
			default:
				return messages.Frame{}, fmt.Errorf("%s: %w", command, resp.Err)
			}
		case <-ctx.Done():
			return messages.Frame{}, fmt.Errorf("%s: %w", command, ctx.Err())
		}
	}
}

// requestTimeout is Wazuh's 3020, marked as a timeout for wire.IsRequestTimeout.
type requestTimeout struct{ *messages.WazuhError }

func (requestTimeout) Timeout() bool   { return true }
func (t requestTimeout) Unwrap() error { return t.WazuhError }
func (t requestTimeout) Error() string { return t.WazuhError.Error() }
