package actors

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// offload runs an actor's slow work (store calls, hashing, transfers, dials) off its mailbox,
// on goroutines the node's shutdown waits for, and sends each result back to the actor as a
// message. Every piece of work gets a context that ends when the actor stops or restarts: the
// actor creates its offload in Started and calls stop in Stopping and Restarting, so no work
// outlives the instance that started it, whatever its own timeout.
type offload struct {
	kit    *Kit
	ctx    context.Context
	cancel context.CancelFunc
}

// discardable is a result that holds something to release (a connection) when it cannot be
// delivered because its actor stopped.
type discardable interface{ discard() }

func newOffload(kit *Kit) *offload {
	ctx, cancel := context.WithCancel(context.Background())
	return &offload{kit: kit, ctx: ctx, cancel: cancel}
}

// Run starts fn on its own goroutine with a context that ends after timeout (never, when
// timeout is 0), when the returned cancel is called, or when the actor stops. What fn returns
// is sent to the actor (c.Self()) unless it is nil; a result of work whose actor stopped
// meanwhile is dropped instead, so a restarted actor (same PID) never gets the previous
// instance's results.
func (o *offload) Run(c actor.Context, timeout time.Duration, fn func(ctx context.Context) any) context.CancelFunc {
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(o.ctx, timeout)
	} else {
		ctx, cancel = context.WithCancel(o.ctx)
	}
	root, self, actorCtx := o.kit.System.Root, c.Self(), o.ctx
	o.kit.Go(func() {
		defer cancel()
		res := fn(ctx)
		switch {
		case res == nil:
		case actorCtx.Err() != nil:
			if d, ok := res.(discardable); ok {
				d.discard()
			}
		default:
			root.Send(self, res)
		}
	})
	return cancel
}

// stop cancels every piece of work still running; the actor calls it in Stopping and
// Restarting. It is safe on an offload never created (an actor stopped before Started).
func (o *offload) stop() {
	if o != nil {
		o.cancel()
	}
}
