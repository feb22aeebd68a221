package node

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/gossip"
)

// startGossip starts memberlist on bind_addr and the gossip port. memberlist needs the address
// it advertises to be explicit; with a wildcard bind_addr the master advertises nodes[0] and a
// worker the address its system would use to reach the master.
func (n *Node) startGossip() error {
	s := n.settings
	g := n.cfg.Internal.Clusterd.Gossip
	advertise := ""
	if ip := net.ParseIP(s.BindAddr); ip == nil || ip.IsUnspecified() {
		var err error
		if advertise, err = n.advertiseAddr(); err != nil {
			return err
		}
	}
	timers := gossip.DefaultTimers()
	for _, o := range []struct {
		dst *time.Duration
		src time.Duration
	}{
		{&timers.ProbeInterval, g.ProbeInterval}, {&timers.ProbeTimeout, g.ProbeTimeout},
		{&timers.GossipInterval, g.GossipInterval}, {&timers.PushPullInterval, g.PushPullInterval},
		{&timers.GossipToTheDead, g.GossipToTheDead}, {&timers.DeadNodeReclaim, g.DeadNodeReclaim},
	} {
		if o.src > 0 {
			*o.dst = o.src
		}
	}
	if g.SuspicionMult > 0 {
		timers.SuspicionMult = g.SuspicionMult
	}
	if n.opts.GossipTimers != nil {
		timers = *n.opts.GossipTimers
	}
	cfg := gossip.Config{
		NodeName:      s.NodeName,
		BindAddr:      s.BindAddr,
		BindPort:      g.Port,
		AdvertiseAddr: advertise,
		ClusterName:   s.ClusterName,
		ClusterKey:    s.Key,
		Meta:          gossip.Meta{Type: s.NodeType, Version: s.Version, Port: s.Port},
		Timers:        timers,
		Logger:        n.log.WithField("tag", "Memberlist"),
	}
	if n.opts.Network != nil {
		cfg.WrapTransport = n.opts.Network.WrapTransport
	}
	gs, err := gossip.Start(cfg, n.memberEvent)
	if err != nil {
		return fmt.Errorf("start memberlist: %w", err)
	}
	n.gossip = gs
	if !s.IsMaster() {
		// Every master-eligible node of <nodes> is a seed; a single master is the one.
		seeds := []string{net.JoinHostPort(s.NodeIP, strconv.Itoa(g.Port))}
		if len(s.MasterIPs) > 1 {
			seeds = seeds[:0]
			for _, ip := range s.MasterIPs {
				seeds = append(seeds, net.JoinHostPort(ip, strconv.Itoa(g.Port)))
			}
		}
		n.settings.Join = func(ctx context.Context) error {
			_, err := gs.Join(seeds)
			return err
		}
	}
	return nil
}

// memberEvent runs on memberlist's goroutines: it only hands the event to the membership actor.
func (n *Node) memberEvent(e gossip.Event) {
	tree := n.tree.Load()
	if tree == nil {
		return
	}
	tree.Notify(&actors.MemberEvent{
		Name:     e.Name,
		Type:     e.Meta.Type,
		Up:       e.Kind != gossip.EventLeave,
		Left:     e.Left,
		Clusterd: e.Meta.Impl == gossip.ImplClusterd,
	})
}

// advertiseAddr picks the local address for gossip when bind_addr is a wildcard. Connecting a
// UDP socket sends nothing; it only asks the system which source address it would use.
func (n *Node) advertiseAddr() (string, error) {
	target := n.settings.NodeIP
	if n.replicaIP != "" {
		return n.replicaIP, nil
	}
	if n.settings.IsMaster() {
		return target, nil
	}
	c, err := net.Dial("udp", net.JoinHostPort(target, "9"))
	if err != nil {
		return "", fmt.Errorf("find the local address towards the master %s: %w", target, err)
	}
	defer c.Close()
	host, _, err := net.SplitHostPort(c.LocalAddr().String())
	if err != nil {
		return "", fmt.Errorf("find the local address towards the master: %w", err)
	}
	return host, nil
}
