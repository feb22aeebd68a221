package wire

import (
	"fmt"
	"time"
)

// Node-wide bounds on receive buffers. A connection's reader draws every buffer it grows from
// the node's ReceiveBudget as bytes actually arrive; a reader that cannot get budget stops
// reading its socket (TCP then pushes back on the sender) until another connection frees some,
// or until its payload deadline closes it.
const (
	// DefaultReceiveBudget is what all the connections of a node may hold in receive buffers at
	// once. It fits one message of MaxTotalSize while its buffer doubles (a third more), with
	// room left for the other connections.
	DefaultReceiveBudget = 2 * MaxTotalSize
	// DefaultConnectionShare is the most one connection may hold: one message of MaxTotalSize
	// while its buffer doubles from half to full size, plus small frames. An honest peer sends
	// one message at a time; more than that from one peer is refused (3050).
	DefaultConnectionShare = MaxTotalSize + MaxTotalSize/2 + 8<<20
	// DefaultReserve is set aside for small frames, so that a peer holding the shared budget
	// cannot starve the keepalives and answers of the others.
	DefaultReserve = 16 << 20
	// SmallFrame is the largest undivided frame that may draw on the reserve.
	SmallFrame = 64 << 10
)

// ReceiveBudget is shared by the readers of every connection of one node.
type ReceiveBudget struct {
	shared  *Budget
	reserve *Budget
	perConn int64
}

// NewReceiveBudget returns a budget of shared bytes for all connections, perConn at most for
// any one of them, and reserve more bytes usable only by frames of at most SmallFrame bytes.
// Zero or negative values take the defaults.
func NewReceiveBudget(shared, perConn, reserve int64) *ReceiveBudget {
	if shared <= 0 {
		shared = DefaultReceiveBudget
	}
	if perConn <= 0 {
		perConn = DefaultConnectionShare
	}
	if reserve <= 0 {
		reserve = DefaultReserve
	}
	return &ReceiveBudget{shared: NewBudget(shared), reserve: NewBudget(reserve), perConn: perConn}
}

// InUse returns the bytes held by all connections, from the shared budget and the reserve.
func (b *ReceiveBudget) InUse() int64 { return b.shared.InUse() + b.reserve.InUse() }

// receiveAccount is what one connection's reader holds of a ReceiveBudget. Only the reader's
// goroutine uses it.
type receiveAccount struct {
	budget  *ReceiveBudget
	shared  int64
	reserve int64
}

func (a *receiveAccount) held() int64 { return a.shared + a.reserve }

// acquire takes n bytes, waiting for them until deadline or until cancel is closed. small
// frames may take them from the reserve when the shared budget is exhausted.
func (a *receiveAccount) acquire(n int64, small bool, deadline time.Time, cancel <-chan struct{}) error {
	if a == nil || n <= 0 {
		return nil
	}
	if a.held()+n > a.budget.perConn {
		return fmt.Errorf("%w: the connection would hold %d bytes of receive buffers, limit %d",
			ErrPayloadTooLarge, a.held()+n, a.budget.perConn)
	}
	var timeout <-chan time.Time
	for {
		if a.try(n, small) {
			return nil
		}
		// Take the release signals, then try again: a release in between is not missed.
		sharedFreed, reserveFreed := a.budget.shared.Freed(), (<-chan struct{})(nil)
		if small {
			reserveFreed = a.budget.reserve.Freed()
		}
		if a.try(n, small) {
			return nil
		}
		if timeout == nil {
			t := time.NewTimer(time.Until(deadline))
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-sharedFreed:
		case <-reserveFreed:
		case <-cancel:
			return ErrClosed
		case <-timeout:
			return fmt.Errorf("%w: no receive budget for %d bytes (node-wide limit reached)", ErrPayloadDeadline, n)
		}
	}
}

// try takes n bytes from the shared budget, or from the reserve for a small frame.
func (a *receiveAccount) try(n int64, small bool) bool {
	if a.budget.shared.TryAcquire(n) {
		a.shared += n
		return true
	}
	if small && a.budget.reserve.TryAcquire(n) {
		a.reserve += n
		return true
	}
	return false
}

// release gives n bytes back; which of the two budgets they return to does not matter as long
// as each gets back what it gave.
func (a *receiveAccount) release(n int64) {
	if a == nil || n <= 0 {
		return
	}
	fromReserve := min(n, a.reserve)
	a.reserve -= fromReserve
	a.budget.reserve.Release(fromReserve)
	a.shared -= n - fromReserve
	a.budget.shared.Release(n - fromReserve)
}

// releaseAll gives back everything the connection holds.
func (a *receiveAccount) releaseAll() {
	if a != nil {
		a.release(a.held())
	}
}
