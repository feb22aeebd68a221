package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/scheduler"
)

// timer is one re-armable one-shot timer owned by an actor. Periodic work re-arms it at the end
// of each cycle, so slow work never piles up; the owner stops it in Restarting and Stopping
// because scheduler timers outlive the actor instance that created them.
type timer struct {
	cancel scheduler.CancelFunc
}

// after cancels any pending shot and sends msg to pid once d has passed.
func (t *timer) after(k *Kit, d time.Duration, pid *actor.PID, msg any) {
	t.stop()
	t.cancel = k.Timers.SendOnce(d, pid, msg)
}

// stop cancels the pending shot, if any.
func (t *timer) stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
}
