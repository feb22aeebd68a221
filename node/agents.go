package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/daemon/authd"
	"github.com/clusterd/clusterd/node/daemon/remoted"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/fsutil"
	"github.com/clusterd/clusterd/node/logging"
)

// storeOpenTimeout bounds the work on the store at start (key import, client.keys write).
const storeOpenTimeout = time.Minute

// agentDB is a node's agent database and the services built on it: the enrollment service
// and its TLS listener, and what the actors are handed (actors.Services).
type agentDB struct {
	st        *wazuhdb.Store
	sharedDir string
	enroll    *authd.Service
	server    *authd.Server
	listener  net.Listener
	serveDone chan struct{}
	// stopServe cuts the enrollments in progress at stop: one forwarded to a master that is
	// gone would otherwise hold the stop for the whole sendsync timeout.
	stopServe context.CancelFunc
	remoted   *remoted.Server
	keys      *keysWriter // master: client.keys follows the store
	// groups makes the master's changes of groups and assignments: the store, or through the
	// replicated log on a master-eligible node.
	groups wazuhdb.GroupsWriter
	hold   *groupsHold // master: agent-groups held after a rebuild (nil on a worker)

	defaultsOnce sync.Once
	defaults     *defaultAssigner // master: default-group assignments, written together
}

// masterStoreCacheMiB is the master's store page cache: its writes are the workers' agent-info
// documents, which update rows in place and measured the same with 16 MiB as with 32
// (BenchmarkApplyAgentInfo*), while the master's memory at rest is one of Wazuh's release gates.
const masterStoreCacheMiB = 16

// DBPath is where a node keeps its agent database under home.
func DBPath(home string) string { return filepath.Join(home, "var", "db", "global.db") }

// openAgents opens the store, takes over an existing client.keys when the store is new, and
// builds the services of this node's type. The enrollment listener starts in startEnrollment,
// once the actor system that a worker forwards through exists.
func (n *Node) openAgents() error {
	home := n.opts.Home
	var opts []wazuhdb.Option
	if n.settings.IsMaster() {
		opts = append(opts, wazuhdb.CacheMiB(masterStoreCacheMiB))
	}
	st, err := openStore(DBPath(home), keysFile(home), opts...)
	if err != nil {
		return err
	}
	db := &agentDB{st: st, sharedDir: filepath.Join(home, "etc", "shared")}
	n.agents = db
	db.groups = n.groupsWriter()
	ctx, cancel := context.WithTimeout(context.Background(), storeOpenTimeout)
	defer cancel()
	if n.settings.IsMaster() {
		db.hold = openGroupsHold(home, n.log)
		if db.hold.Held() {
			n.log.Warnf("The master's agent-groups are held: they are not sent to the workers until %s is removed (it says why).", db.hold.path)
		}
	}
	keys := keysImporter{st: st, path: keysFile(home)}
	if st.IsNew() {
		if err := n.takeOverKeys(ctx, db, keys); err != nil {
			return err
		}
	}
	var groups actors.GroupsStore = groupsStore{st: st, sharedDir: db.sharedDir, hold: db.hold}
	if n.replicaIP != "" {
		groups = replicaGroupsStore{groupsStore{st: st, sharedDir: db.sharedDir, hold: db.hold}}
	}
	services := actors.Services{Groups: groups, AgentInfo: agentInfoStore{st: st, now: time.Now}}
	if n.replicaIP != "" {
		services.Replication = replicationReporter{n: n}
	}
	cfg, err := n.enrollConfig()
	if err != nil {
		return err
	}
	if n.settings.IsMaster() {
		if err := db.ensureDefaultGroup(ctx); err != nil {
			return err
		}
		if err := st.WriteClientKeys(ctx, keysFile(home)); err != nil {
			return fmt.Errorf("write client.keys: %w", err)
		}
		db.keys = startKeysWriter(st, keysFile(home), logging.Tagged(n.log, "Authd", "Main"))
		afterChange := func(context.Context) error {
			db.keys.changed()
			n.groupsChanged()
			return nil
		}
		if n.replicaIP != "" {
			// A master-eligible node: it decides while acting, forwards to the acting master
			// like a worker otherwise; its store follows the replicated log only (no
			// client.keys import: the log is the one source of registrations).
			db.enroll = authd.NewReplicated(cfg, replicatedEnrollStore{enrollStore{st: st}, n}, afterChange,
				masterForwarder{n: n}, func() bool { return n.repl != nil && n.repl.acting() })
		} else {
			db.enroll = authd.NewMaster(cfg, enrollStore{st: st}, afterChange)
		}
		services.Daemons = daemons{authd: db.enroll, wdb: wazuhdb.NewGlobalCommands(st, db.sharedDir, n.groupsChanged).WithWriter(db.groups),
			remoted: func(ctx context.Context, message []byte) []byte {
				return db.assignGroupAnswer(ctx, message, n.groupsChanged)
			}}
		overview := agentsOverview{st: st, nodeName: n.settings.NodeName, version: n.settings.Version}
		services.Agents = overview
	} else {
		db.enroll = authd.NewWorker(cfg, masterForwarder{n: n})
		services.Keys = keys
	}
	n.settings.Services = services
	return nil
}

// ensureDefaultGroup gives a master the "default" group every Wazuh manager has.
func (db *agentDB) ensureDefaultGroup(ctx context.Context) error {
	dir := filepath.Join(db.sharedDir, "default")
	if err := os.MkdirAll(dir, 0o770); err != nil {
		return fmt.Errorf("create the default group: %w", err)
	}
	conf := filepath.Join(dir, "agent.conf")
	if _, err := os.Stat(conf); errors.Is(err, os.ErrNotExist) {
		if err := fsutil.WriteFileAtomic(conf, []byte(wazuhdb.DefaultAgentConf), 0o660); err != nil {
			return err
		}
	}
	return db.st.CreateGroup(ctx, "default")
}

// enrollConfig maps <auth> onto the enrollment service's configuration.
func (n *Node) enrollConfig() (authd.Config, error) {
	a := n.cfg.Auth
	cfg := authd.DefaultConfig()
	cfg.UseSourceIP = a.UseSourceIP
	cfg.Purge = a.Purge
	cfg.AllowHigherVersions = a.AllowHigherVersions
	cfg.ManagerVersion = "v" + n.settings.Version
	cfg.SharedDir = filepath.Join(n.opts.Home, "etc", "shared")
	cfg.ManagerHostname, _ = os.Hostname()
	cfg.Log = logging.Tagged(n.log, "Authd", "Main")
	cfg.Force = authd.ForceConfig{Enabled: a.Force.Enabled, KeyMismatch: a.Force.KeyMismatch,
		DisconnectedTimeEnabled: a.Force.DisconnectedTimeEnabled, DisconnectedTime: a.Force.DisconnectedTime,
		AfterRegistrationTime: a.Force.AfterRegistrationTime}
	if a.UsePassword {
		pass, err := readAuthPass(filepath.Join(n.opts.Home, "etc", "authd.pass"))
		if err != nil {
			return cfg, err
		}
		cfg.Password = pass
	}
	return cfg, nil
}

// readAuthPass reads the enrollment password: the first line of etc/authd.pass, more than two
// characters, as Wazuh requires.
func readAuthPass(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("use_password is set: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimRight(line, "\r")
	if len(line) <= 2 {
		return "", fmt.Errorf("%s: %w", path, ErrShortPassword)
	}
	return line, nil
}

// startEnrollment starts the TLS enrollment listener (<auth><port>, on the node's bind
// address), with the configured certificate or a self-signed one made at first start.
func (n *Node) startEnrollment() error {
	db := n.agents
	a := n.cfg.Auth
	if db == nil || a.Disabled {
		return nil
	}
	home := n.opts.Home
	host, _ := os.Hostname()
	cert, err := authd.LoadOrCreateCert(homePath(home, a.SSLManagerCert), homePath(home, a.SSLManagerKey), host)
	if err != nil {
		return fmt.Errorf("enrollment certificate: %w", err)
	}
	opts := authd.ServerOptions{VerifyHost: a.SSLVerifyHost, AutoNegotiate: a.SSLAutoNegotiate,
		MaxClients: n.budget.Enroll, ReadTimeout: n.cfg.Internal.Clusterd.EnrollHandshakeTimeout}
	if a.SSLAgentCA != "" {
		if opts.AgentCA, err = authd.LoadCAPool(homePath(home, a.SSLAgentCA)); err != nil {
			return fmt.Errorf("enrollment <ssl_agent_ca>: %w", err)
		}
	} else if a.SSLVerifyHost {
		n.log.Warn("<ssl_verify_host> has no effect without <ssl_agent_ca>: agents present no certificate to verify.")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(n.settings.BindAddr, strconv.Itoa(a.Port)))
	if err != nil {
		return fmt.Errorf("enrollment listener: %w", err)
	}
	db.listener = ln
	db.server = authd.NewServer(db.enroll, cert, logging.Tagged(n.log, "Authd", "Main"), opts)
	db.serveDone = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	db.stopServe = cancel
	go func() {
		defer close(db.serveDone)
		if err := db.server.Serve(ctx, ln); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, authd.ErrServerClosed) {
			n.log.WithError(err).Error("The enrollment listener stopped.")
		}
	}()
	n.log.Infof("Accepting agent enrollments on %s.", ln.Addr())
	return nil
}

// stopEnrollment closes the enrollment listener and waits for its connections.
func (n *Node) stopEnrollment() error {
	db := n.agents
	if db == nil || db.server == nil {
		return nil
	}
	db.stopServe()
	err := db.server.Close()
	<-db.serveDone
	db.server = nil
	if err != nil {
		return fmt.Errorf("stop enrollment: %w", err)
	}
	return nil
}

// closeStore closes the agent database, once the actors that use it have stopped.
func (n *Node) closeStore() error {
	if n.manager != nil {
		n.manager.Close()
	}
	if n.agents == nil {
		return nil
	}
	if n.agents.keys != nil {
		n.agents.keys.stop()
	}
	if err := n.agents.st.Close(); err != nil {
		return fmt.Errorf("close the agent database: %w", err)
	}
	return nil
}

// groupsChanged tells the master's local-groups actor to broadcast at once.
func (n *Node) groupsChanged() {
	if n.kit == nil {
		return
	}
	if master := n.kit.Directory.Master(); master != nil {
		n.kit.System.Root.Send(master.LocalGroups, &actors.GroupsChanged{})
	}
}

// EnrollAddr is the bound enrollment address (nil when enrollment is off).
func (n *Node) EnrollAddr() net.Addr {
	if n.agents == nil || n.agents.listener == nil {
		return nil
	}
	return n.agents.listener.Addr()
}

// Store is the node's agent database (tests and tools in-process).
func (n *Node) Store() *wazuhdb.Store {
	if n.agents == nil {
		return nil
	}
	return n.agents.st
}

// homePath resolves a path of the configuration relative to home.
func homePath(home, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(home, p)
}

// masterForwarder sends a worker's enrollment requests to the master's authd (sendsync). Like
// Wazuh's authd it tries up to forwardTries times, a second apart, while the master is not
// reachable, then gives up with an error the enrollment service turns into Wazuh's reply.
type masterForwarder struct{ n *Node }

const forwardTries = 10

func (f masterForwarder) Forward(ctx context.Context, body []byte) ([]byte, error) {
	var err error
	for try := 1; try <= forwardTries; try++ {
		var answer []byte
		answer, err = actors.Forward(ctx, f.n.kit, body)
		if err == nil || !errors.Is(err, actors.ErrMasterUnreachable) || try == forwardTries {
			return answer, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return nil, err
}
