package wire

import "time"

// pendingEntry is one outstanding request. index is its position in the deadline heap, kept up to
// date by the heap so an answered entry can leave the heap in O(log n).
type pendingEntry[T any] struct {
	counter  uint32
	value    T
	deadline time.Time
	index    int
}

// deadlineHeap is a min-heap of pending entries ordered by deadline, then by counter so that
// entries sharing a deadline leave in a stable order. It implements container/heap.Interface.
type deadlineHeap[T any] []*pendingEntry[T]

func (h deadlineHeap[T]) Len() int { return len(h) }

func (h deadlineHeap[T]) Less(i, j int) bool {
	if !h[i].deadline.Equal(h[j].deadline) {
		return h[i].deadline.Before(h[j].deadline)
	}
	return h[i].counter < h[j].counter
}

func (h deadlineHeap[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *deadlineHeap[T]) Push(x any) {
	entry := x.(*pendingEntry[T])
	entry.index = len(*h)
	*h = append(*h, entry)
}

func (h *deadlineHeap[T]) Pop() any {
	old := *h
	last := old[len(old)-1]
	old[len(old)-1] = nil // let the garbage collector reclaim the value
	last.index = -1
	*h = old[:len(old)-1]
	return last
}
