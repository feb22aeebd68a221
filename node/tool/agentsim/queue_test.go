package agentsim

import (
	"slices"
	"testing"
)

func queued(q *eventQueue) []uint64 {
	out := make([]uint64, q.len())
	return out[:q.peek(out)]
}

func TestEventQueueKeepsOldestAndDropsNewest(t *testing.T) {
	q := newEventQueue(4)
	for seq := uint64(1); seq <= 6; seq++ {
		if got, want := q.push(seq), seq <= 4; got != want {
			t.Fatalf("push(%d) = %v, want %v", seq, got, want)
		}
	}
	q.pop(2)
	for _, seq := range []uint64{7, 8, 9} {
		q.push(seq)
	}
	if got, want := queued(&q), []uint64{3, 4, 7, 8}; !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	if len(q.runs) != 2 {
		t.Fatalf("runs %v, want two (a gap where 5, 6 and 9 were dropped)", q.runs)
	}
	var first [3]uint64
	if n := q.peek(first[:]); n != 3 || first != [3]uint64{3, 4, 7} {
		t.Fatalf("peek 3 = %d %v", n, first)
	}
	q.pop(3)
	if got := queued(&q); !slices.Equal(got, []uint64{8}) {
		t.Fatalf("after pop(3): %v", got)
	}
	q.pop(5)
	if q.len() != 0 || q.runs != nil {
		t.Fatalf("emptied queue: len %d runs %v", q.len(), q.runs)
	}
}
