package actors

import "context"

// gate lets at most its capacity goroutines through at once; the others wait their turn, or
// give up when their context ends. It bounds work whose memory grows with the number of peers
// asking for it at once.
type gate chan struct{}

func newGate(capacity int) gate { return make(gate, max(capacity, 1)) }

// enter waits for a place; every successful enter is paired with a leave.
func (g gate) enter(ctx context.Context) error {
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g gate) leave() { <-g }
