package actors

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// accepted carries a new connection from an accept loop to the actor that owns the listener.
type accepted struct{ nc net.Conn }

// acceptLoop is the goroutine that accepts connections for a listener actor. The listener
// itself outlives the loop across a restart of its actor, so the loop is stopped by forcing a
// deadline on Accept rather than by closing the listener.
type acceptLoop struct {
	ln       net.Listener
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

type deadliner interface{ SetDeadline(time.Time) error }

func startAcceptLoop(ln net.Listener, root *actor.RootContext, owner *actor.PID) *acceptLoop {
	a := &acceptLoop{ln: ln, stop: make(chan struct{}), done: make(chan struct{})}
	if d, ok := ln.(deadliner); ok {
		_ = d.SetDeadline(time.Time{})
	}
	go func() {
		defer close(a.done)
		backoff := 5 * time.Millisecond
		for {
			nc, err := ln.Accept()
			select {
			case <-a.stop:
				if nc != nil {
					_ = nc.Close()
				}
				return
			default:
			}
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				// Out of file descriptors and the like: back off instead of spinning.
				select {
				case <-time.After(backoff):
				case <-a.stop:
					return
				}
				backoff = min(backoff*2, time.Second)
				continue
			}
			backoff = 5 * time.Millisecond
			root.Send(owner, &accepted{nc: nc})
		}
	}()
	return a
}

// halt stops the loop and waits for it; the listener stays open. It may be called more than
// once (in Restarting, then in Stopping when a stop comes during the restart).
func (a *acceptLoop) halt() {
	if a == nil {
		return
	}
	a.stopOnce.Do(func() { close(a.stop) })
	if d, ok := a.ln.(deadliner); ok {
		_ = d.SetDeadline(time.Now())
	}
	<-a.done
}
