package gossip

import (
	"fmt"
	"time"

	"github.com/hashicorp/memberlist"
)

// Timers are the failure-detector knobs. They are internal options, not
// ossec.conf fields: every member of a cluster should run the same values.
//
// A dead member is declared after it misses a probe (ProbeInterval, waiting
// ProbeTimeout for the direct ack and the rest of the interval for indirect
// and TCP acks) and then stays suspect for SuspicionMult × ProbeInterval
// (scaled by log10 of the cluster size above 10 members).
type Timers struct {
	ProbeInterval    time.Duration // how often each member probes one peer
	ProbeTimeout     time.Duration // how long to wait for a direct ack; must be < ProbeInterval
	GossipInterval   time.Duration // how often queued broadcasts are gossiped
	PushPullInterval time.Duration // how often a full state sync over TCP runs
	GossipToTheDead  time.Duration // how long a dead member is remembered and still gossiped to
	DeadNodeReclaim  time.Duration // after this, a dead member's name may come back from another address
	TCPTimeout       time.Duration // dial and I/O deadline of push/pull and TCP pings

	SuspicionMult          int // suspicion timeout in probe intervals
	AwarenessMaxMultiplier int // how far a member that believes itself degraded may stretch its probe interval
}

// DefaultTimers are the production values for a small LAN cluster: a dead
// member is seen by its peers in under 3 s.
//
// The bound comes from the worst case of a 3-member cluster: a member probes
// its peers round-robin in a fresh random order each round, so a victim may
// wait up to 3 probe intervals for its next probe, then fails it at the end of
// that interval and stays suspect for SuspicionMult intervals: 7 × 400 ms =
// 2.8 s. With 500 ms probes the same worst case is 3.5 s, and 3-member
// loopback runs exceeded 3 s in about one run out of five.
func DefaultTimers() Timers {
	return Timers{
		ProbeInterval:          400 * time.Millisecond,
		ProbeTimeout:           200 * time.Millisecond,
		GossipInterval:         100 * time.Millisecond,
		PushPullInterval:       15 * time.Second,
		GossipToTheDead:        15 * time.Second,
		DeadNodeReclaim:        10 * time.Second,
		TCPTimeout:             2 * time.Second,
		SuspicionMult:          3,
		AwarenessMaxMultiplier: 8,
	}
}

// FastTimers are aggressive values for tests on loopback: a dead member is
// seen in well under a second. They would cause false suspicions on a real
// network.
func FastTimers() Timers {
	return Timers{
		ProbeInterval:          100 * time.Millisecond,
		ProbeTimeout:           50 * time.Millisecond,
		GossipInterval:         20 * time.Millisecond,
		PushPullInterval:       2 * time.Second,
		GossipToTheDead:        5 * time.Second,
		DeadNodeReclaim:        time.Second,
		TCPTimeout:             2 * time.Second,
		SuspicionMult:          2,
		AwarenessMaxMultiplier: 2,
	}
}

func (t Timers) validate() error {
	durations := []struct {
		name  string
		value time.Duration
	}{
		{"probe interval", t.ProbeInterval},
		{"probe timeout", t.ProbeTimeout},
		{"gossip interval", t.GossipInterval},
		{"push-pull interval", t.PushPullInterval},
		{"gossip-to-the-dead time", t.GossipToTheDead},
		{"dead node reclaim time", t.DeadNodeReclaim},
		{"TCP timeout", t.TCPTimeout},
	}
	for _, d := range durations {
		if d.value <= 0 {
			return fmt.Errorf("%w: %s must be positive, got %v", ErrBadTimers, d.name, d.value)
		}
	}
	if t.ProbeTimeout >= t.ProbeInterval {
		return fmt.Errorf("%w: probe timeout %v must be shorter than probe interval %v",
			ErrBadTimers, t.ProbeTimeout, t.ProbeInterval)
	}
	if t.SuspicionMult < 1 {
		return fmt.Errorf("%w: suspicion multiplier must be at least 1, got %d", ErrBadTimers, t.SuspicionMult)
	}
	if t.AwarenessMaxMultiplier < 1 {
		return fmt.Errorf("%w: awareness multiplier must be at least 1, got %d", ErrBadTimers, t.AwarenessMaxMultiplier)
	}
	return nil
}

// apply copies the timers onto a memberlist configuration.
func (t Timers) apply(c *memberlist.Config) {
	c.ProbeInterval = t.ProbeInterval
	c.ProbeTimeout = t.ProbeTimeout
	c.GossipInterval = t.GossipInterval
	c.PushPullInterval = t.PushPullInterval
	c.GossipToTheDeadTime = t.GossipToTheDead
	c.DeadNodeReclaimTime = t.DeadNodeReclaim
	c.TCPTimeout = t.TCPTimeout
	c.SuspicionMult = t.SuspicionMult
	c.AwarenessMaxMultiplier = t.AwarenessMaxMultiplier
}
