package remoted

import (
	"sync"
)

type controlKind int

const (
	ctlStartup controlKind = iota + 1
	ctlKeepalive
	ctlShutdown
	ctlRefused
)

// controlItem is one control message waiting for the status worker.
type controlItem struct {
	kind    controlKind
	msg     []byte // keepalive text
	code    int    // ctlRefused: status code
	version string // ctlRefused: "Wazuh <v>" with code 1
	// afterStartup: this keepalive replaced an unrecorded startup, so it is
	// the first keepalive after that startup.
	afterStartup bool
}

// statusQueue is remoted's control queue: one slot per agent, in arrival
// order; a newer message replaces an unprocessed one of the same agent, so
// the queue never holds more than one item per agent.
type statusQueue struct {
	mu      sync.Mutex
	pending map[*agent]controlItem
	order   []*agent
	wake    chan struct{}
}

func newStatusQueue() *statusQueue {
	return &statusQueue{pending: make(map[*agent]controlItem), wake: make(chan struct{}, 1)}
}

func (q *statusQueue) push(a *agent, it controlItem) {
	q.mu.Lock()
	if prev, ok := q.pending[a]; ok {
		if it.kind == ctlKeepalive && (prev.kind == ctlStartup || prev.afterStartup) {
			it.afterStartup = true
		}
	} else {
		q.order = append(q.order, a)
	}
	q.pending[a] = it
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pop takes the oldest slot; ok is false when the queue is empty.
func (q *statusQueue) pop() (*agent, controlItem, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return nil, controlItem{}, false
	}
	a := q.order[0]
	q.order[0] = nil
	q.order = q.order[1:]
	if len(q.order) == 0 {
		q.order = q.order[:0:0]
	}
	it := q.pending[a]
	delete(q.pending, a)
	return a, it, true
}

// statusWorker records control messages one at a time, off the connection
// goroutines. At Stop it records what is still queued, then ends.
func (s *Server) statusWorker() {
	defer s.workerWG.Done()
	for {
		for {
			a, it, ok := s.status.pop()
			if !ok {
				break
			}
			s.record(a, it)
		}
		select {
		case <-s.status.wake:
		case <-s.quit:
			// Readers have stopped before the workers are waited for, so
			// nothing is pushed after this drain.
			s.netWGWaitThenDrain()
			return
		}
	}
}

func (s *Server) netWGWaitThenDrain() {
	s.netWG.Wait()
	for {
		a, it, ok := s.status.pop()
		if !ok {
			return
		}
		s.record(a, it)
	}
}
