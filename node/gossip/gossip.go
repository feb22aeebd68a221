package gossip

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/sirupsen/logrus"
)

// minLeaveWait keeps every wait of Leave positive: memberlist reads a zero
// timeout as "wait forever".
const minLeaveWait = time.Millisecond

// Gossip is one running member.
type Gossip struct {
	list      *memberlist.Memberlist
	meta      *metaDelegate
	events    *eventDelegate
	table     *memberTable
	localAddr string
	log       *logrus.Entry

	mu     sync.Mutex  // serialises Leave and Shutdown
	closed atomic.Bool // set once Leave or Shutdown has begun
}

// Start creates the member and starts gossiping; it contacts nobody until Join.
//
// notify receives every Join, Leave and Update of a peer (this member's own
// join is not reported). memberlist calls it from its goroutines with its
// node lock held, never concurrently: it must not block and must not call
// back into this Gossip. A nil notify discards events. notify is never called
// after Leave or Shutdown has returned.
func Start(cfg Config, notify func(Event)) (*Gossip, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	entry := cfg.logger()
	meta, err := newMetaDelegate(cfg.Meta.withDefaults())
	if err != nil {
		return nil, err
	}
	table := newMemberTable(cfg.timers().GossipToTheDead)
	events := &eventDelegate{self: cfg.NodeName, table: table, log: entry, notify: notify}

	mc := cfg.memberlistConfig(meta, events, entry)
	transport, err := cfg.transport(mc)
	if err != nil {
		return nil, fmt.Errorf("gossip: start member %q on %s: %w",
			cfg.NodeName, joinHostPort(cfg.BindAddr, cfg.BindPort), err)
	}
	if transport != nil {
		mc.Transport = transport
	}
	list, err := memberlist.Create(mc)
	if err != nil {
		if transport != nil {
			_ = transport.Shutdown()
		}
		return nil, fmt.Errorf("gossip: start member %q on %s: %w",
			cfg.NodeName, joinHostPort(cfg.BindAddr, cfg.BindPort), err)
	}
	g := &Gossip{
		list:      list,
		meta:      meta,
		events:    events,
		table:     table,
		localAddr: list.LocalNode().Address(),
		log:       entry,
	}
	entry.WithField("addr", g.localAddr).Debug("gossip: member started")
	return g, nil
}

// Join contacts the given seeds ("host:port", or "name/host:port" when the
// seed's node name is known) and merges their view of the cluster. It returns
// how many seeds answered; the error is nil if at least one did. Joining no
// seed at all is fine: a master may be alone.
func (g *Gossip) Join(addrs []string) (int, error) {
	if g.closed.Load() {
		return 0, ErrShutdown
	}
	if len(addrs) == 0 {
		return 0, nil
	}
	seeds := make([]string, 0, len(addrs))
	for _, addr := range addrs {
		seed, err := seedAddress(addr)
		if err != nil {
			return 0, err
		}
		seeds = append(seeds, seed)
	}
	joined, err := g.list.Join(seeds)
	if err != nil {
		return joined, fmt.Errorf("%w %v: %w", ErrJoinFailed, addrs, err)
	}
	return joined, nil
}

// Members returns this member and its peers, sorted by name. Failed and left
// peers stay listed with Alive=false until Timers.GossipToTheDead has passed.
func (g *Gossip) Members() []Member {
	return g.table.snapshot()
}

// LocalAddr returns the gossip ip:port peers reach this member at: the
// advertise address with the port actually bound (useful after port 0).
func (g *Gossip) LocalAddr() string {
	return g.localAddr
}

// Leave announces a graceful departure, then shuts the member down. Peers
// report it as EventLeave with Left=true. It first re-advertises Meta with
// State "leaving" (peers see EventUpdate), then broadcasts memberlist's leave.
// timeout bounds both waits together; on a timeout the member still shuts
// down and the error says which step did not finish. Calling it again, or
// after Shutdown, does nothing.
func (g *Gossip) Leave(timeout time.Duration) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed.Swap(true) {
		return nil
	}

	deadline := time.Now().Add(timeout)
	var errs []error
	if err := g.meta.setState(StateLeaving); err != nil {
		errs = append(errs, fmt.Errorf("gossip: set leaving state: %w", err))
	} else if err := g.list.UpdateNode(remaining(deadline)); err != nil {
		errs = append(errs, fmt.Errorf("gossip: announce leaving state: %w", err))
	}
	if err := g.list.Leave(remaining(deadline)); err != nil {
		errs = append(errs, fmt.Errorf("gossip: broadcast leave: %w", err))
	}
	if err := g.shutdownLocked(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Shutdown stops the member without a leave, as a crash would: peers report
// it as EventLeave with Left=false once they detect the failure. Calling it
// again, or after Leave, does nothing.
func (g *Gossip) Shutdown() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed.Swap(true) {
		return nil
	}
	return g.shutdownLocked()
}

func (g *Gossip) shutdownLocked() error {
	g.events.stop()
	if err := g.list.Shutdown(); err != nil {
		return fmt.Errorf("gossip: shut down memberlist: %w", err)
	}
	g.log.Debug("gossip: member stopped")
	return nil
}

func remaining(deadline time.Time) time.Duration {
	return max(time.Until(deadline), minLeaveWait)
}
