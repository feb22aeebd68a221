package nodetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/manager"
	"github.com/clusterd/clusterd/node/nodetest/standin"
	"github.com/clusterd/clusterd/node/proto/wdb"
	"github.com/clusterd/clusterd/node/pyframework"
	"github.com/clusterd/clusterd/node/tool/control"
	"github.com/clusterd/clusterd/wire"
)

// Key is the cluster key every test cluster uses.
const Key = "c98b62a9b6169ac5f67dae55ae4a9088"

// Options shape a test cluster.
type Options struct {
	Workers int
	// Masters is the number of master-eligible nodes ("master1"…), all listed in every node's
	// <nodes>: a replicated master (node/ha). 0 or 1: one master ("master"), as Wazuh has.
	Masters int
	// Tune adjusts the internal options of every node after the fast test defaults are set.
	Tune func(*config.Internal)
	// NoGossip runs the nodes without memberlist, as Wazuh nodes are: liveness then rests on
	// the TCP keepalives alone.
	NoGossip bool
	// FaultSeed seeds every node's fault injector.
	FaultSeed int64
	// GossipTimers replaces the fast memberlist timers of test clusters (tests that load the
	// machine use gossip.DefaultTimers, whose probes tolerate a busy CPU).
	GossipTimers *gossip.Timers
	// NoStore runs the nodes without their agent database, enrollment and agent-groups (the
	// integrity tests and benchmarks, whose group folders are not about agents).
	NoStore bool
	// Remote adjusts every node's <remote> section (agents connect on a free port by default).
	Remote func(*config.Remote)
	// Auth adjusts every node's <auth> section (enrollment listens on a free port by default).
	Auth func(*config.Auth)
	// ReceiveBudget, when set, gives each node (at each start) its own bound on receive
	// buffers in place of the default one.
	ReceiveBudget func() *wire.ReceiveBudget
	// WazuhDB runs every node in Wazuh mode (node.ModeWazuh): each member's home gets its
	// own stand-in wazuh-db (Member.WazuhDB), running for the whole test, across restarts of
	// the node.
	WazuhDB bool
	// DAPI, when set, gives each node (at each start) the executor of its Distributed API
	// requests in place of the node's own.
	DAPI func(m *Member) dapi.Executor
}

// Cluster is a running in-process cluster.
type Cluster struct {
	t       testing.TB
	opts    Options
	members []*Member
	net     *network // what Partition cuts
}

// Member is one node of a test cluster.
type Member struct {
	Name string
	IP   string
	Home string

	cfg    node.Config
	opts   Options
	t      testing.TB
	mu     sync.Mutex
	node   *node.Node
	writer *testWriter

	network   node.Network // this node's side of the cluster's network (Partition)
	wazuhDB   *standin.WazuhDB
	framework *pyframework.Options // the stand-in framework of a node in Wazuh mode
}

// FastInternal returns Wazuh's internal options with timers short enough for tests.
func FastInternal() config.Internal {
	in := config.DefaultInternal()
	in.Worker.KeepAlive = 300 * time.Millisecond
	in.Worker.ConnectionRetry = 300 * time.Millisecond
	in.Master.CheckWorkerLastKeepalive = 300 * time.Millisecond
	in.Master.MaxAllowedTimeWithoutKeepalive = 2 * time.Second
	in.Communication.TimeoutClusterRequest = 2 * time.Second
	in.Worker.SyncIntegrity = 500 * time.Millisecond
	in.Master.RecalculateIntegrity = 500 * time.Millisecond
	in.Master.AgentGroupStartDelay = 200 * time.Millisecond
	in.Master.SyncAgentGroups = 500 * time.Millisecond
	in.Worker.SyncAgentInfo = 500 * time.Millisecond
	return in
}

// Start starts a master ("master") and opts.Workers workers ("worker1"…) and waits until every
// worker is connected. Everything is stopped when the test ends.
func Start(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c := &Cluster{t: t, opts: opts, net: newNetwork()}
	masterIP := nextIP()
	names := []string{"master"}
	masterIPs := []string{masterIP}
	if c.masters() > 1 {
		names = []string{"master1"}
		for i := 2; i <= c.masters(); i++ {
			names = append(names, fmt.Sprintf("master%d", i))
			masterIPs = append(masterIPs, nextIP())
		}
	}
	for i := 1; i <= opts.Workers; i++ {
		names = append(names, fmt.Sprintf("worker%d", i))
	}
	ips := append([]string{}, masterIPs...)
	for len(ips) < len(names) {
		ips = append(ips, nextIP())
	}
	port, gossipPort, err := freePorts(ips)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		m := c.newMember(name, ips[i], masterIPs, port, gossipPort, i < len(masterIPs))
		c.members = append(c.members, m)
	}
	t.Cleanup(c.Stop)
	for _, m := range c.members {
		if err := m.Start(); err != nil {
			t.Fatalf("start %s: %v", m.Name, err)
		}
	}
	c.WaitConnected(15 * time.Second)
	return c
}

// masters is the number of master-eligible members (the first ones).
func (c *Cluster) masters() int { return max(c.opts.Masters, 1) }

func (c *Cluster) newMember(name, ip string, masterIPs []string, port, gossipPort int, master bool) *Member {
	home, err := os.MkdirTemp("", "clusterd-")
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { _ = os.RemoveAll(home) })
	cl := config.DefaultCluster()
	cl.Name, cl.NodeName, cl.Key = "wazuh", name, Key
	cl.NodeType = "worker"
	if master {
		cl.NodeType = "master"
	}
	cl.Port, cl.BindAddr, cl.Nodes = port, ip, append([]string(nil), masterIPs...)
	in := FastInternal()
	in.Clusterd.Gossip.Enabled = !c.opts.NoGossip
	in.Clusterd.Gossip.Port = gossipPort
	if c.opts.Tune != nil {
		c.opts.Tune(&in)
	}
	auth := config.DefaultAuth()
	auth.Port = 0 // the system chooses; EnrollAddr tells which
	if c.opts.Auth != nil {
		c.opts.Auth(&auth)
	}
	remote := config.DefaultRemote()
	remote.Port = 0 // the system chooses; AgentAddr tells which
	remote.UDP = true
	if c.opts.Remote != nil {
		c.opts.Remote(&remote)
	}
	m := &Member{Name: name, IP: ip, Home: home, cfg: node.Config{Cluster: cl, Auth: auth, Remote: remote, Internal: in},
		opts: c.opts, network: c.net.view(ip), t: c.t}
	if c.opts.WazuhDB {
		w, err := standin.StartWazuhDB(home, standin.WazuhDBOptions{Worker: !master, NodeName: name})
		if err != nil {
			c.t.Fatal(err)
		}
		c.t.Cleanup(w.Close)
		m.wazuhDB = w
		m.framework = standinFramework(c.t, home, name, cl.NodeType)
	}
	return m
}

// standinFramework is the Python framework of a node in Wazuh mode: the stand-in
// (standin.WriteFramework) under its home, run by the system's python3. Without python3 the
// node runs the manager's own interpreter, which a test home lacks: its framework keeps
// failing, which the tests that do not use it ignore.
func standinFramework(t testing.TB, home, name, typ string) *pyframework.Options {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil
	}
	dir := filepath.Join(home, "framework-standin")
	if err := standin.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	return &pyframework.Options{Interpreter: python, Path: []string{dir}, Env: standin.FrameworkEnv(home, name, typ)}
}

// WazuhDB is the member's stand-in wazuh-db (Options.WazuhDB), nil otherwise.
func (m *Member) WazuhDB() *standin.WazuhDB { return m.wazuhDB }

// testWazuhDBClients are the wazuh-db clients of a test node in Wazuh mode: Wazuh's timeouts
// and retries, shortened so that a stand-in that is down costs a cycle of a test, not of
// production.
func testWazuhDBClients() *manager.Options {
	return &manager.Options{
		Socket: wdb.Options{Timeout: 5 * time.Second},
		HTTP:   wdb.HTTPOptions{Timeout: 5 * time.Second, Retries: 1, RetryBackoff: 50 * time.Millisecond},
	}
}

// Start starts (or starts again) the member's node.
func (m *Member) Start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.node != nil {
		return fmt.Errorf("%s is already running", m.Name)
	}
	log, w := testLogger(m.t, m.Name)
	timers := gossip.FastTimers()
	if m.opts.GossipTimers != nil {
		timers = *m.opts.GossipTimers
	}
	opts := node.Options{Home: m.Home, Logger: log, FaultSeed: m.opts.FaultSeed, GossipTimers: &timers, NoStore: m.opts.NoStore,
		Network: m.network}
	if m.opts.ReceiveBudget != nil {
		opts.ReceiveBudget = m.opts.ReceiveBudget()
	}
	if m.wazuhDB != nil {
		opts.Mode, opts.WazuhDB, opts.Framework = node.ModeWazuh, testWazuhDBClients(), m.framework
	}
	if m.opts.DAPI != nil {
		opts.DAPI = m.opts.DAPI(m)
	}
	n, err := node.New(m.cfg, opts)
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		_ = n.Stop()
		return err
	}
	m.node, m.writer = n, w
	return nil
}

// Stop stops the member's node gracefully.
func (m *Member) Stop() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.node == nil {
		return nil
	}
	err := m.node.Stop()
	m.node = nil
	m.writer.close()
	return err
}

// LongestLogEntry is the length in bytes of the longest log entry the member's node wrote since
// it last started (0 before its first start, or when the log goes to stderr).
func (m *Member) LongestLogEntry() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writer == nil {
		return 0
	}
	return m.writer.longestEntry()
}

// Logged reports whether the member's running node has logged a line holding substr (among
// its latest lines, at the test's log level; CLUSTERD_TEST_LOG_STDERR turns this off).
func (m *Member) Logged(substr string) bool {
	m.mu.Lock()
	w := m.writer
	m.mu.Unlock()
	return w != nil && w.logged(substr)
}

// Node is the member's running node, or nil.
func (m *Member) Node() *node.Node {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.node
}

// LogCount returns how many of the lines the member's running node logged (the last
// keptLogLines, at the test log level: INFO unless CLUSTERD_TEST_LOG says otherwise) contain text.
func (m *Member) LogCount(text string) int {
	m.mu.Lock()
	w := m.writer
	m.mu.Unlock()
	if w == nil {
		return 0
	}
	return w.count(text)
}

// Client talks to the member's c-internal.sock.
func (m *Member) Client() *control.Client {
	return &control.Client{SocketPath: control.SocketPath(m.Home), Timeout: 5 * time.Second}
}

// WorkerConnected asks a worker's own handler whether it is connected to the master.
func (m *Member) WorkerConnected() (bool, error) {
	n := m.Node()
	if n == nil {
		return false, fmt.Errorf("%s is not running", m.Name)
	}
	kit := n.Kit()
	res, err := kit.System.Root.RequestFuture(kit.System.NewLocalPID(actors.Path(actors.NameMaster)), &actors.MasterStatus{}, 2*time.Second).Result()
	if err != nil {
		return false, fmt.Errorf("ask %s: %w", m.Name, err)
	}
	reply, ok := res.(*actors.MasterStatusReply)
	if !ok {
		return false, fmt.Errorf("%s answered %T", m.Name, res)
	}
	return reply.Connected, nil
}

// Master is the master member; with several master-eligible members, the acting master (the
// first one while none acts).
func (c *Cluster) Master() *Member {
	for _, m := range c.members[:c.masters()] {
		if n := m.Node(); n != nil && n.ActingMaster() {
			return m
		}
	}
	return c.members[0]
}

// Masters are the master-eligible members (one unless Options.Masters).
func (c *Cluster) Masters() []*Member { return c.members[:c.masters()] }

// Workers are the worker members: those configured worker, and with several master-eligible
// members the standbys, which run the worker role towards the acting master.
func (c *Cluster) Workers() []*Member {
	if c.masters() == 1 {
		return c.members[1:]
	}
	acting := c.Master()
	var out []*Member
	for _, m := range c.members {
		if m != acting {
			out = append(out, m)
		}
	}
	return out
}

// Members are all members, master first.
func (c *Cluster) Members() []*Member { return c.members }

// Stop heals every partition, then stops every node, workers first.
func (c *Cluster) Stop() {
	c.net.heal()
	for i := len(c.members) - 1; i >= 0; i-- {
		if err := c.members[i].Stop(); err != nil {
			c.t.Errorf("stop %s: %v", c.members[i].Name, err)
		}
	}
}

// ConnectedWorkers asks the master which workers are connected, by name.
func (c *Cluster) ConnectedWorkers() ([]string, error) {
	payload, err := c.Master().Client().Do(context.Background(), messages.CmdGetNodes, nil)
	if err != nil {
		return nil, err
	}
	var nodes control.NodesDoc
	if err := json.Unmarshal(payload, &nodes); err != nil {
		return nil, fmt.Errorf("decode get_nodes answer %q: %w", payload, err)
	}
	var out []string
	for _, n := range nodes.Items {
		if n.Type == "worker" {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// WaitConnected waits until the master lists every running worker and no other.
func (c *Cluster) WaitConnected(timeout time.Duration) {
	c.t.Helper()
	c.WaitConnectedFor(c.t, timeout)
}

// WaitConnectedFor is WaitConnected reporting to t, for use inside a subtest.
func (c *Cluster) WaitConnectedFor(t testing.TB, timeout time.Duration) {
	t.Helper()
	Eventually(t, timeout, func() error {
		var want []string
		for _, w := range c.Workers() {
			if w.Node() != nil {
				want = append(want, w.Name)
			}
		}
		sort.Strings(want)
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("connected workers %v, want %v", got, want)
		}
		for _, w := range c.Workers() {
			if w.Node() == nil {
				continue
			}
			if ok, err := w.WorkerConnected(); err != nil || !ok {
				return fmt.Errorf("%s does not see itself connected (%v)", w.Name, err)
			}
		}
		return nil
	})
}
