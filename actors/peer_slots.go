package actors

import (
	"context"
	"sync"
)

// maxAnswersInFlightPerWorker bounds the sendsync answers the master sends one worker at once.
// Each answer is a long string that stays open on the worker until the sendsyn_res naming it
// arrives, and a clusterd worker refuses a new_str beyond wire.DefaultMaxOpenStrings (64) open
// strings per connection: with every new agent of a worker asking for its default group, the
// master answered hundreds at once, the worker refused the ones past 64, and their agents asked
// again later, so the refusals went on long after the agents connected. The margin under 64
// leaves room for the other strings the master sends (DAPI results, agent-groups).
const maxAnswersInFlightPerWorker = 48

// peerSlots bounds how many of something each peer has under way at once. A peer's entry
// exists only while someone holds or waits for one of its slots, so the map never outgrows the
// requests in flight.
type peerSlots struct {
	per   int
	mu    sync.Mutex
	peers map[string]*peerSlot
}

type peerSlot struct {
	held  chan struct{}
	users int // holding or waiting, under peerSlots.mu
}

func newPeerSlots(per int) *peerSlots {
	return &peerSlots{per: per, peers: make(map[string]*peerSlot)}
}

// acquire waits for one of peer's slots, or for ctx to end; release gives it back.
func (p *peerSlots) acquire(ctx context.Context, peer string) (release func(), err error) {
	p.mu.Lock()
	s := p.peers[peer]
	if s == nil {
		s = &peerSlot{held: make(chan struct{}, p.per)}
		p.peers[peer] = s
	}
	s.users++
	p.mu.Unlock()
	select {
	case s.held <- struct{}{}:
		return func() {
			<-s.held
			p.leave(peer, s)
		}, nil
	case <-ctx.Done():
		p.leave(peer, s)
		return nil, ctx.Err()
	}
}

func (p *peerSlots) leave(peer string, s *peerSlot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.users--
	if s.users == 0 {
		delete(p.peers, peer)
	}
}

// tracked is how many peers have an entry (for tests).
func (p *peerSlots) tracked() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.peers)
}
