package agentsim

// eventQueue is an agent's client buffer. Events are numbered by the agent in
// order, so the buffer holds runs of consecutive sequence numbers instead of the
// events themselves: a buffer of 5000 costs a few words while it is not overflowing,
// which is what lets 10,000 agents live in one process. Gaps appear only where
// events were dropped because the buffer was full.
type eventQueue struct {
	runs  []seqRun // oldest first
	count int
	limit int
}

// seqRun is the events first…last, both included.
type seqRun struct{ first, last uint64 }

func newEventQueue(limit int) eventQueue { return eventQueue{limit: limit} }

// push appends seq, which must be higher than every queued one; it reports false
// (event dropped) when the buffer is full, as Wazuh drops the newest events.
func (q *eventQueue) push(seq uint64) bool {
	if q.count >= q.limit {
		return false
	}
	q.count++
	if n := len(q.runs); n > 0 && q.runs[n-1].last+1 == seq {
		q.runs[n-1].last = seq
		return true
	}
	q.runs = append(q.runs, seqRun{seq, seq})
	return true
}

// len is the number of buffered events.
func (q *eventQueue) len() int { return q.count }

// peek copies up to len(dst) of the oldest events into dst and returns how many.
func (q *eventQueue) peek(dst []uint64) int {
	n := 0
	for _, r := range q.runs {
		for seq := r.first; seq <= r.last && n < len(dst); seq++ {
			dst[n] = seq
			n++
		}
		if n == len(dst) {
			break
		}
	}
	return n
}

// pop removes the n oldest events.
func (q *eventQueue) pop(n int) {
	for n > 0 && len(q.runs) > 0 {
		r := &q.runs[0]
		size := r.last - r.first + 1
		if uint64(n) < size {
			r.first += uint64(n)
			q.count -= n
			return
		}
		n -= int(size)
		q.count -= int(size)
		q.runs = q.runs[1:]
	}
	if len(q.runs) == 0 {
		q.runs = nil // release the backing array after an overflow episode
	}
}
