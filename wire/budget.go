package wire

import (
	"fmt"
	"sync"
)

// Budget counts bytes that many goroutines draw from one fixed capacity: what every connection
// of a node may hold at once, whatever the number of connections. It never blocks on its own:
// TryAcquire fails at once, and a caller that wants to wait selects on Freed, taken before the
// attempt so that a release in between is not missed.
type Budget struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	freed    chan struct{} // closed and replaced by the first Release after a Freed
	watched  bool          // someone took freed since it was last replaced
}

// NewBudget returns a budget of capacity bytes (at least 1).
func NewBudget(capacity int64) *Budget {
	return &Budget{capacity: max(capacity, 1), freed: make(chan struct{})}
}

// TryAcquire takes n bytes if they are free and reports whether it did.
func (b *Budget) TryAcquire(n int64) bool {
	if n <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.capacity {
		return false
	}
	b.used += n
	return true
}

// Release gives back n bytes taken by TryAcquire and wakes every waiter.
func (b *Budget) Release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.used {
		// A release without its acquire would let the budget grow past its capacity.
		panic(fmt.Sprintf("wire: budget released %d bytes, only %d held", n, b.used))
	}
	b.used -= n
	if b.watched {
		close(b.freed)
		b.freed, b.watched = make(chan struct{}), false
	}
}

// Freed returns a channel closed at the next Release.
func (b *Budget) Freed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.watched = true
	return b.freed
}

// InUse returns how many bytes are taken.
func (b *Budget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Capacity returns the budget's size in bytes.
func (b *Budget) Capacity() int64 { return b.capacity }
