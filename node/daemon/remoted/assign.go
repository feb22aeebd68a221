package remoted

import (
	"context"
	"sync"
)

// maxAssignsInFlight bounds the default-group assignments under way at once. Each waits for
// the master (on a worker, a round trip through the cluster), so one at a time behind the status
// worker made a node with thousands of new agents assign them at the pace of that round trip
// (about 60 a second for a whole cluster on a loaded machine: 50,000 agents took a quarter of
// an hour); many in flight let the master apply them together. An assignment holds a goroutine
// and a few hundred bytes while it waits.
const maxAssignsInFlight = 128

// assigner runs default-group assignments off the status worker: at most one per agent and
// maxAssignsInFlight in all. An agent whose assignment finds no slot is tried again at its next
// keepalive, as one that fails.
type assigner struct {
	mu       sync.Mutex
	inFlight map[int]bool
}

func newAssigner() *assigner { return &assigner{inFlight: make(map[int]bool)} }

// take reserves the agent's slot; false when it has one already or every slot is taken.
func (as *assigner) take(id int) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.inFlight[id] || len(as.inFlight) >= maxAssignsInFlight {
		return false
	}
	as.inFlight[id] = true
	return true
}

func (as *assigner) release(id int) {
	as.mu.Lock()
	delete(as.inFlight, id)
	as.mu.Unlock()
}

// assignLater gives the agent its default group in the background and, once it has one,
// pushes the group's merged.mg when the agent reported another sum.
func (s *Server) assignLater(a *agent, k *agentKey, mergedSum string) {
	if s.stopping() || !s.assigns.take(k.id) {
		return
	}
	s.workerWG.Add(1)
	go func() {
		defer s.workerWG.Done()
		defer s.assigns.release(k.id)
		ctx, cancel := context.WithTimeout(s.ctx, assignTimeout)
		groups, err := s.assign(ctx, k.id, mergedSum)
		cancel()
		if err != nil {
			s.limited.warn("shared", "agent %s: assign group: %v", k.idStr, err)
			return
		}
		sh, err := s.sharedOf(groups, mergedSum)
		if err != nil {
			s.limited.warn("shared", "agent %s: %v", k.idStr, err)
			return
		}
		if sh.needPush {
			s.pushShared(a, k, sh)
		}
	}()
}
