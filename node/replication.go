package node

import (
	"context"
	"fmt"
	"hash/fnv"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/ha"
	"github.com/clusterd/clusterd/node/logging"
)

// RaftPortOffset is where a master-eligible node listens for its replication peers: the
// cluster port plus two (the cluster port plus one is Wazuh's).
const RaftPortOffset = 2

// roleSwitchTimeout bounds one start or stop of a role subtree by the replication.
const roleSwitchTimeout = time.Minute

// replicatedMaster says whether this node is one of several master-eligible nodes: configured
// master, with <nodes> listing several addresses, in standalone mode with its store. It
// returns this node's address among them.
func (n *Node) replicatedMaster() (selfIP string, on bool, err error) {
	c := n.cfg.Cluster
	if !n.settings.IsMaster() || len(c.Nodes) < 2 || n.opts.NoStore || n.opts.Mode == ModeWazuh {
		return "", false, nil
	}
	if ip := net.ParseIP(c.BindAddr); ip != nil && !ip.IsUnspecified() {
		if slices.Contains(c.Nodes, c.BindAddr) {
			return c.BindAddr, true, nil
		}
		return "", true, fmt.Errorf("%w: bind_addr %s is not among <nodes> %v", ErrReplicationConfig, c.BindAddr, c.Nodes)
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", true, fmt.Errorf("list the local addresses: %w", err)
	}
	var mine []string
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && slices.Contains(c.Nodes, ipn.IP.String()) {
			mine = append(mine, ipn.IP.String())
		}
	}
	if len(mine) != 1 {
		return "", true, fmt.Errorf("%w: %d of <nodes> %v are addresses of this host (set bind_addr to the one that is)",
			ErrReplicationConfig, len(mine), c.Nodes)
	}
	return mine[0], true, nil
}

// memberID is the raft id of the master-eligible node at ip: every node computes the same
// from <nodes>, whatever their order.
func memberID(ip string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(ip))
	if id := h.Sum64(); id != 0 {
		return id
	}
	return 1
}

// replication runs a master-eligible node: its raft member, and the switch between the master
// role (while it is the acting master) and the worker role connected to the acting master.
type replication struct {
	n      *Node
	log    *logrus.Entry
	member *ha.Member
	self   uint64
	selfIP string
	ips    map[uint64]string // member id → node address

	cancel context.CancelFunc
	done   chan struct{}
	joined chan struct{} // closed when the memberlist join at start has returned
	tree   *treeGate

	mu       sync.Mutex
	role     actors.Role
	masterIP string         // the acting master the worker role follows
	sock     *actors.Socket // the cluster port, bound while acting
}

// startReplication starts the raft member over the node's store (the FSM).
func (n *Node) startReplication(selfIP string) error {
	s := n.settings
	r := &replication{n: n, log: logging.Tagged(n.log, "Replication", "Main"), selfIP: selfIP, self: memberID(selfIP),
		ips: map[uint64]string{}}
	peers := map[uint64]string{}
	for _, ip := range n.cfg.Cluster.Nodes {
		id := memberID(ip)
		if _, dup := r.ips[id]; dup {
			return fmt.Errorf("%w: %s listed twice in <nodes>", ErrReplicationConfig, ip)
		}
		r.ips[id] = ip
		peers[id] = net.JoinHostPort(ip, strconv.Itoa(s.Port+RaftPortOffset))
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.BindAddr, strconv.Itoa(s.Port+RaftPortOffset)))
	if err != nil {
		return fmt.Errorf("replication listener: %w", err)
	}
	if n.opts.Network != nil {
		ln = n.opts.Network.WrapListener(ln)
	}
	db := n.agents
	fsm := &ha.AgentsFSM{Store: db.st, Changed: func() {
		if db.keys != nil {
			db.keys.changed()
		}
		n.groupsChanged()
	}}
	// A node bound to one address dials its peers from it, as a worker dials its master: the
	// peers see which node connects.
	d := &net.Dialer{Timeout: 2 * time.Second}
	if ip := net.ParseIP(s.BindAddr); ip != nil && !ip.IsUnspecified() {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	dial := func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	in := n.cfg.Internal.Clusterd.Replication
	r.member, err = ha.Start(ha.Config{ID: r.self, Peers: peers, Dir: filepath.Join(n.opts.Home, "var", "db", "raft"),
		Key: s.Key, FSM: fsm, Log: r.log, Tick: in.Tick, ElectionTicks: in.ElectionTicks, Listener: ln, Dial: dial})
	if err != nil {
		_ = ln.Close()
		return err
	}
	r.tree = &treeGate{store: db.st, member: func() *ha.Member { return r.member }, log: r.log}
	n.settings.TreeGate = r.tree
	n.repl = r
	r.log.Infof("Master-eligible node %s (raft member %d) of %v; replication on port %d.", selfIP, r.self,
		n.cfg.Cluster.Nodes, s.Port+RaftPortOffset)
	return nil
}

// acting reports whether this node is the acting master now.
func (r *replication) acting() bool { return r.member.IsActing() }

// run follows the acting master until stop: the role subtree changes with it.
func (r *replication) run(tree *actors.Tree) {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done, r.joined = cancel, make(chan struct{}), make(chan struct{})
	r.joinGossip()
	go func() {
		defer close(r.done)
		for {
			v, changed := r.member.View()
			var retry <-chan time.Time
			if err := r.follow(tree, v); err != nil {
				r.log.WithError(err).Error("Could not change role; trying again.")
				retry = time.After(time.Second)
			}
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-retry:
			}
		}
	}()
}

// joinGossip makes the master-eligible nodes one memberlist cluster (none of them is a worker
// that joins the master's), on a goroutine that close waits for: memberlist's join has no
// context, and gives up on its own within its TCP timeout.
func (r *replication) joinGossip() {
	g := r.n.gossip
	if g == nil {
		close(r.joined)
		return
	}
	port := strconv.Itoa(r.n.cfg.Internal.Clusterd.Gossip.Port)
	var seeds []string
	for _, ip := range r.n.cfg.Cluster.Nodes {
		if ip != r.selfIP {
			seeds = append(seeds, net.JoinHostPort(ip, port))
		}
	}
	go func() {
		defer close(r.joined)
		// Best effort: memberlist finds the others through the workers too.
		_, _ = g.Join(seeds)
	}()
}

// follow starts the role view calls for: the master role while this node acts, the worker
// role towards the acting master otherwise; with no acting master known, a master role stops
// (nothing is written without a quorum) and a worker role keeps trying its master.
func (r *replication) follow(tree *actors.Tree, v ha.View) error {
	switch {
	case v.Leader == r.self:
		return r.becomeMaster(tree)
	case v.Leader != 0:
		return r.becomeWorker(tree, r.ips[v.Leader])
	default:
		r.mu.Lock()
		role := r.role
		r.mu.Unlock()
		if role == actors.RoleMaster {
			return r.stopRole(tree)
		}
		return nil
	}
}

func (r *replication) becomeMaster(tree *actors.Tree) error {
	r.mu.Lock()
	role := r.role
	r.mu.Unlock()
	if role == actors.RoleMaster {
		return nil
	}
	if err := r.stopRole(tree); err != nil {
		return err
	}
	s := r.n.settings
	var wrap func(net.Listener) net.Listener
	if r.n.opts.Network != nil {
		wrap = r.n.opts.Network.WrapListener
	}
	sock, err := actors.ListenTCP(net.JoinHostPort(s.BindAddr, strconv.Itoa(s.Port)), wrap)
	if err != nil {
		return err
	}
	r.tree.takeover()
	if err := tree.Switch(actors.StartRole{Role: actors.RoleMaster, Cluster: sock, MasterIP: r.selfIP}, roleSwitchTimeout); err != nil {
		sock.Close()
		return err
	}
	r.mu.Lock()
	r.role, r.sock, r.masterIP = actors.RoleMaster, sock, r.selfIP
	r.mu.Unlock()
	r.log.Info("This node is the acting master.")
	// client.keys and the agent-groups follow the replicated store from now on.
	if r.n.agents != nil && r.n.agents.keys != nil {
		r.n.agents.keys.changed()
	}
	r.n.groupsChanged()
	return nil
}

func (r *replication) becomeWorker(tree *actors.Tree, masterIP string) error {
	r.mu.Lock()
	role, following := r.role, r.masterIP
	r.mu.Unlock()
	if role == actors.RoleWorker && following == masterIP {
		return nil
	}
	if err := r.stopRole(tree); err != nil {
		return err
	}
	if err := tree.Switch(actors.StartRole{Role: actors.RoleWorker, MasterIP: masterIP}, roleSwitchTimeout); err != nil {
		return err
	}
	r.mu.Lock()
	r.role, r.masterIP = actors.RoleWorker, masterIP
	r.mu.Unlock()
	r.log.Infof("This node is a standby master; the acting master is %s.", masterIP)
	return nil
}

// stopRole stops the running role, and closes the cluster port the master role had.
func (r *replication) stopRole(tree *actors.Tree) error {
	r.mu.Lock()
	role := r.role
	r.mu.Unlock()
	if role == actors.RoleNone {
		return nil
	}
	if err := tree.StopRole(roleSwitchTimeout); err != nil {
		return err
	}
	r.mu.Lock()
	sock := r.sock
	r.role, r.sock, r.masterIP = actors.RoleNone, nil, ""
	r.mu.Unlock()
	if sock != nil {
		sock.Close()
	}
	if role == actors.RoleMaster {
		r.log.Info("This node no longer acts as master.")
	}
	return nil
}

// clusterAddr is the cluster port's address while this node acts as master.
func (r *replication) clusterAddr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sock == nil {
		return nil
	}
	return r.sock.Addr()
}

// stopFollowing ends the role changes (before the tree stops).
func (r *replication) stopFollowing() {
	if r.cancel != nil {
		r.cancel()
		<-r.done
	}
}

// close leaves the replication group and closes the cluster port (after the tree stopped).
func (r *replication) close() error {
	if r.joined != nil {
		<-r.joined
	}
	err := r.member.Stop()
	r.mu.Lock()
	sock := r.sock
	r.sock = nil
	r.mu.Unlock()
	if sock != nil {
		sock.Close()
	}
	if err != nil {
		return fmt.Errorf("stop the replication: %w", err)
	}
	return nil
}

// ActingMaster reports whether the node runs the master role: a single master always, a
// master-eligible node while it is the acting master.
func (n *Node) ActingMaster() bool {
	if n.repl == nil {
		return n.settings.IsMaster()
	}
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	return n.repl.role == actors.RoleMaster
}

// Replication is the node's raft member (nil unless it is one of several master-eligible
// nodes): tests and tools read its view and status.
func (n *Node) Replication() *ha.Member {
	if n.repl == nil {
		return nil
	}
	return n.repl.member
}

// replicationReporter answers actorctl's replication command for a master-eligible node.
type replicationReporter struct{ n *Node }

func (rr replicationReporter) ReplicationStatus() actors.ReplicationStatus {
	n := rr.n
	out := actors.ReplicationStatus{Node: n.settings.NodeName, Address: n.replicaIP, Role: "none"}
	r := n.repl
	if r == nil {
		return out
	}
	st := r.member.Status()
	v, _ := r.member.View()
	out.Raft, out.Term, out.Commit, out.Applied = st.RaftState.String(), st.HardState.GetTerm(), st.HardState.GetCommit(), v.Applied
	switch {
	case v.Leader == r.self:
		out.Role = "acting master"
	case v.Leader != 0:
		out.Role = "standby"
	}
	out.Leader = r.ips[v.Leader]
	last := r.member.LastIndex()
	for id, pr := range st.Progress {
		m := actors.ReplicationMember{Address: r.ips[id], Match: pr.Match, Active: pr.RecentActive || id == r.self}
		if last > pr.Match {
			m.Lag = last - pr.Match
		}
		out.Members = append(out.Members, m)
	}
	slices.SortFunc(out.Members, func(a, b actors.ReplicationMember) int { return strings.Compare(a.Address, b.Address) })
	return out
}
