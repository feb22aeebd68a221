package node

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/logging"
	"github.com/clusterd/clusterd/node/manager"
	"github.com/clusterd/clusterd/node/pyframework"
	"github.com/clusterd/clusterd/wire"
)

// Options are how a node is run, as opposed to what the configuration says.
type Options struct {
	Home       string
	Foreground bool      // also log to Stderr
	Debug      int       // 0 INFO, 1 DEBUG, 2 DEBUG2
	Stderr     io.Writer // foreground log copy; nil means os.Stderr
	// Logger replaces the cluster.log logger (tests route logs to t.Log).
	Logger *logrus.Entry
	// FaultSeed seeds the fault injector (chaos tests replay a run with the same seed).
	FaultSeed int64
	// GossipTimers overrides memberlist's timers (tests use gossip.FastTimers()).
	GossipTimers *gossip.Timers
	// ShutdownTimeout bounds the graceful part of Stop (default 10 s).
	ShutdownTimeout time.Duration
	// NoStore runs the node without its agent database and enrollment (protocol-only tests).
	NoStore bool
	// Mode is the one switch between clusterd's two ways of running: ModeStandalone (the zero
	// value: its own agent store, enrollment service and agent listener), ModeWazuh (the
	// cluster daemon of the Wazuh manager installed at Home: the manager's wazuh-db keeps the
	// agents, sendsync goes to the manager's daemons, and none of the standalone services
	// starts) or ModeAuto (ChooseMode decides from Home).
	Mode Mode
	// ModeWhy says what chose Mode, for the start-up log line (ChooseMode's ModeChoice.Why).
	ModeWhy string
	// WazuhDB shapes the clients of the manager's daemons in ModeWazuh (nil: Wazuh's timeouts
	// and retries).
	WazuhDB *manager.Options
	// ReceiveBudget replaces the node-wide bound on receive buffers (tests use small ones).
	ReceiveBudget *wire.ReceiveBudget
	// Network, when set, stands between the node and its cluster peers (test partitions).
	Network Network
	// DAPI, when set, runs the node's Distributed API requests in place of the functions the
	// node executes itself (tests give a fake); in ModeWazuh the manager's framework still runs what it answers
	// NotExecuted for.
	DAPI dapi.Executor
	// Framework shapes the process of the manager's Python framework in ModeWazuh (tests run a
	// stand-in; nil: the manager's own interpreter, which finds its packages by itself).
	Framework *pyframework.Options
}

// Node is one running clusterd node.
type Node struct {
	cfg  Config
	opts Options
	log  *logrus.Entry

	logCloser io.Closer
	kit       *actors.Kit
	settings  actors.Settings
	sockets   actors.Sockets
	gossip    *gossip.Gossip
	agents    *agentDB
	manager   *manager.Manager            // ModeWazuh
	tree      atomic.Pointer[actors.Tree] // read by memberlist's goroutines
	metrics   *HTTPServer
	budget    descriptorBudget // the listeners' connection bounds
	// replicaIP is this node's address among several master-eligible nodes (empty: a single
	// master, or a worker); repl runs their replication once started.
	replicaIP string
	repl      *replication

	stopOnce sync.Once
	stopErr  error
}

// New prepares a node: logging and the data directory. Nothing listens until Start.
func New(cfg Config, opts Options) (*Node, error) {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	n := &Node{cfg: cfg, opts: opts, settings: settings(cfg, opts.Home)}
	choice := ModeChoice{Mode: opts.Mode, Why: opts.ModeWhy}
	if opts.Mode == ModeAuto {
		var problems []error
		if choice, problems = ChooseMode(opts.Home, config.ModeAuto, cfg); len(problems) > 0 {
			return nil, &ConfigError{Problems: problems}
		}
	}
	n.opts.Mode = choice.Mode
	if err := n.prepareHome(); err != nil {
		return nil, err
	}
	if opts.Logger != nil {
		n.log = opts.Logger
	} else {
		logger, closer, err := logging.New(logging.Options{Home: opts.Home, Foreground: opts.Foreground, Stderr: opts.Stderr, Debug: opts.Debug})
		if err != nil {
			return nil, fmt.Errorf("open cluster.log: %w", err)
		}
		n.log, n.logCloser = logrus.NewEntry(logger), closer
	}
	tag := "Master"
	if !n.settings.IsMaster() {
		tag = "Worker " + n.settings.NodeName
	}
	n.log = logging.Tagged(n.log, tag, "Main")
	if !opts.NoStore {
		n.log.Info(choice.describe())
	}
	for _, w := range cfg.Warnings {
		n.log.Warn(w)
	}
	n.removeLeftovers()
	return n, nil
}

// prepareHome creates the folders a node writes to and wipes the per-peer temporary folders a
// previous run left behind, as wazuh-clusterd does at start.
func (n *Node) prepareHome() error {
	queue := filepath.Join(n.opts.Home, "queue", "cluster")
	_, err := os.Stat(queue)
	queueMissing := errors.Is(err, os.ErrNotExist)
	for _, dir := range []string{queue, filepath.Join(n.opts.Home, "logs")} {
		if err := os.MkdirAll(dir, 0o770); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	if queueMissing {
		// Wazuh's mode for queue/cluster, whatever the umask: the API, in the wazuh group,
		// reaches c-internal.sock through it.
		if err := os.Chmod(queue, 0o770); err != nil {
			return fmt.Errorf("create %s: %w", queue, err)
		}
	}
	entries, err := os.ReadDir(queue)
	if err != nil {
		return fmt.Errorf("read %s: %w", queue, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := os.RemoveAll(filepath.Join(queue, e.Name())); err != nil {
				return fmt.Errorf("clean %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// Start binds the sockets, starts memberlist and the actor tree. On error everything already
// started is stopped again.
func (n *Node) Start() (err error) {
	s := n.settings
	n.kit = actors.NewKit(n.log, n.opts.FaultSeed, actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(quietInfo{logging.NewSlogHandler(logging.Tagged(n.log, "Actors", "Main"))})
	}))
	if n.opts.ReceiveBudget != nil {
		n.kit.ReceiveBudget = n.opts.ReceiveBudget
	}
	defer func() {
		if err != nil {
			_ = n.stopMetrics()
			n.closeSockets()
			_ = n.stopEnrollment()
			_ = n.stopRemoted()
			if tree := n.tree.Load(); tree != nil {
				_ = tree.Stop(n.opts.ShutdownTimeout)
			}
			if n.gossip != nil {
				_ = n.gossip.Shutdown()
			}
			if n.repl != nil {
				n.repl.stopFollowing()
				_ = n.repl.close()
			}
			_ = n.closeStore()
		}
	}()
	n.budget = n.descriptorBudget()
	selfIP, replicated, err := n.replicatedMaster()
	if err != nil {
		return err
	}
	if replicated {
		n.replicaIP = selfIP
		n.settings.NoInitialRole = true
	}
	if !n.opts.NoStore {
		switch n.opts.Mode {
		case ModeWazuh:
			n.openManager()
		default:
			if err = n.openAgents(); err != nil {
				return err
			}
		}
	}
	if n.replicaIP != "" {
		// The cluster port is bound while this node acts as master, by the replication.
		if err = n.startReplication(n.replicaIP); err != nil {
			return err
		}
	} else if s.IsMaster() {
		var wrap func(net.Listener) net.Listener
		if n.opts.Network != nil {
			wrap = n.opts.Network.WrapListener
		}
		if n.sockets.Cluster, err = actors.ListenTCP(net.JoinHostPort(s.BindAddr, strconv.Itoa(s.Port)), wrap); err != nil {
			return err
		}
	}
	if n.sockets.Local, err = actors.ListenUnix(s.LocalSocketPath(), 0o660); err != nil {
		return err
	}
	if n.sockets.Control, err = actors.ListenUnix(s.ControlSocketPath(), 0o600); err != nil {
		return err
	}
	if n.cfg.Internal.Clusterd.Gossip.Enabled {
		if err = n.startGossip(); err != nil {
			return err
		}
	}
	native := n.dapiExecutor()
	n.settings.Services.DAPI, n.settings.Services.DAPIAgents = native, native
	if n.opts.DAPI != nil {
		n.settings.Services.DAPI = n.opts.DAPI
	}
	if n.opts.Mode == ModeWazuh {
		n.useFramework()
	}
	tree, err := actors.SpawnTree(n.kit, n.settings, n.sockets)
	if err != nil {
		return err
	}
	n.tree.Store(tree)
	if n.repl != nil {
		n.repl.run(tree)
	}
	if err = n.startEnrollment(); err != nil {
		return err
	}
	if err = n.startRemoted(); err != nil {
		return err
	}
	if err = n.startMetrics(); err != nil {
		return err
	}
	if n.kit.Faults.Seed() != 0 {
		n.log.Infof("Fault injection seed: %d", n.kit.Faults.Seed())
	}
	return nil
}

// Stop shuts the node down in order: stop accepting, leave memberlist (peers see a graceful
// leave at once), stop the actor tree (every connection closes), flush the logs. It is safe to
// call more than once.
func (n *Node) Stop() error {
	n.stopOnce.Do(func() { n.stopErr = n.stop() })
	return n.stopErr
}

func (n *Node) stop() error {
	if n.kit == nil {
		return ErrNotStarted
	}
	var errs []error
	if err := n.stopMetrics(); err != nil {
		errs = append(errs, err)
	}
	n.closeSockets()
	if err := n.stopEnrollment(); err != nil {
		errs = append(errs, err)
	}
	if err := n.stopRemoted(); err != nil {
		errs = append(errs, err)
	}
	if n.gossip != nil {
		if err := n.gossip.Leave(time.Second); err != nil {
			// Not fatal: peers that missed the leave see the node fail its probes instead.
			n.log.Warnf("Could not announce the leave to memberlist: %v", err)
		}
	}
	if n.repl != nil {
		n.repl.stopFollowing()
	}
	if tree := n.tree.Load(); tree != nil {
		if err := tree.Stop(n.opts.ShutdownTimeout); err != nil {
			// Actors still run: closing the replication and the store under them would turn a
			// slow shutdown into failed writes. The process ends without them closed; SQLite
			// and the raft log recover from that as from a crash.
			n.log.Errorf("The cluster daemon did not stop cleanly: %v", err)
			return errors.Join(append(errs, err)...)
		}
	}
	if n.repl != nil {
		// After the tree (whose actors may still commit) and before the store (the FSM).
		if err := n.repl.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := n.closeStore(); err != nil {
		errs = append(errs, err)
	}
	n.log.Info("The cluster daemon has stopped.")
	if n.logCloser != nil {
		if err := n.logCloser.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close cluster.log: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (n *Node) closeSockets() {
	for _, s := range []*actors.Socket{n.sockets.Cluster, n.sockets.Local, n.sockets.Control} {
		if s != nil {
			s.Close()
		}
	}
}

// Kit exposes the node's actor kit (registry, fault injector) to tests and tools in-process.
func (n *Node) Kit() *actors.Kit { return n.kit }

// Tree is the node's actor tree (nil before Start); tests change its role in-process.
func (n *Node) Tree() *actors.Tree { return n.tree.Load() }

// Settings are the node's resolved settings.
func (n *Node) Settings() actors.Settings { return n.settings }

// ClusterAddr is the master's bound cluster address (nil on a worker).
func (n *Node) ClusterAddr() net.Addr {
	if n.repl != nil {
		return n.repl.clusterAddr()
	}
	if n.sockets.Cluster == nil {
		return nil
	}
	return n.sockets.Cluster.Addr()
}

// Logger is the node's root log entry.
func (n *Node) Logger() *logrus.Entry { return n.log }

// Gossip is the node's memberlist handle (nil when gossip is off); chaos tests use it to make
// a node vanish from memberlist without closing its TCP connection.
func (n *Node) Gossip() *gossip.Gossip { return n.gossip }
