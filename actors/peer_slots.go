package actors

import (
	"context"
	"fmt"
	"sync"

	"github.com/clusterd/clusterd/wire"
)

// maxStringsInFlightPerPeer bounds the long strings this node sends one peer connection at
// once, whatever sends them (sendsync answers, DAPI results, agent-groups). A string stays open
// on the receiver until the request naming it arrives, and a clusterd node refuses a new_str
// beyond wire.DefaultMaxOpenStrings (64) open strings per connection: with every new agent of a
// worker asking for its default group, the master answered hundreds at once, the worker refused
// the ones past 64 (3018), and their agents asked again later, so the refusals went on long
// after the agents connected. The margin under 64 leaves room for strings a peer's other
// senders (its own actors) have open on the same connection.
const maxStringsInFlightPerPeer = 48

// sendLongString sends data to r's peer as a long string, then runs take with its id (the
// request that names the string, after which the peer holds it no more), holding one of the
// peer connection's string slots from the new_str to take's end.
func sendLongString(ctx context.Context, kit *Kit, r *Requester, data []byte, take func(id string) error) error {
	release, err := kit.peerStrings.acquire(ctx, r.handler.String())
	if err != nil {
		return fmt.Errorf("wait for the peer to take the strings sent before: %w", err)
	}
	defer release()
	id, err := wire.SendString(ctx, r, data, wire.RequestChunk)
	if err != nil {
		return err
	}
	return take(id)
}

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
