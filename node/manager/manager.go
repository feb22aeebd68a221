package manager

import (
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// DefaultMaxPostBody is how large one POST /v1/agents/sync the master sends may grow before
// it is sent: a worker's document (up to 256 MiB) goes to wazuh-db in bodies of about this
// size, each of which wazuh-db parses whole.
const DefaultMaxPostBody = 4 << 20

// Options shape the manager's store.
type Options struct {
	// Log receives what the store reports beside its errors (a failed hash recalculation,
	// agent-info it had to drop).
	Log *logrus.Entry
	// Socket and HTTP shape the wazuh-db clients (their defaults are Wazuh's).
	Socket wdb.Options
	HTTP   wdb.HTTPOptions
	// MaxPostBody bounds one POST /v1/agents/sync (DefaultMaxPostBody when 0).
	MaxPostBody int
	// DaemonTimeout bounds one sendsync exchange with a daemon (DefaultDaemonTimeout when 0);
	// the sendsync queue's own deadline wins when sooner.
	DaemonTimeout time.Duration
	// MaxDaemonAnswer bounds one daemon's answer to sendsync (DefaultMaxDaemonAnswer when 0).
	MaxDaemonAnswer int
}

// Manager is the store of a node in Wazuh mode: the manager's wazuh-db under home.
type Manager struct {
	wdb  *wdb.Client
	http *wdb.HTTPClient
	log  *logrus.Entry
	info *agentInfo
	// tables are the agent tables as the native DAPI functions read them.
	tables *AgentTables
	opts   Options
	home   string
}

// New returns the store of the Wazuh manager installed at home. Nothing is dialled yet: a
// wazuh-db that is not up costs each task its cycle, as it does wazuh-clusterd.
func New(home string, opts Options) *Manager {
	if opts.MaxPostBody <= 0 {
		opts.MaxPostBody = DefaultMaxPostBody
	}
	if opts.DaemonTimeout <= 0 {
		opts.DaemonTimeout = DefaultDaemonTimeout
	}
	if opts.MaxDaemonAnswer <= 0 {
		opts.MaxDaemonAnswer = DefaultMaxDaemonAnswer
	}
	if opts.Log == nil {
		l := logrus.New()
		l.Out = discard{}
		opts.Log = logrus.NewEntry(l)
	}
	m := &Manager{
		wdb:  wdb.NewClient(wdb.SocketPath(home), opts.Socket),
		http: wdb.NewHTTPClient(wdb.HTTPSocketPath(home), opts.HTTP),
		log:  opts.Log,
		opts: opts,
		home: home,
	}
	m.tables = &AgentTables{wdb: m.wdb}
	m.info = newAgentInfo(m.http, opts.Log, opts.MaxPostBody, opts.HTTP.MaxSyncBody)
	return m
}

// Sockets are the wazuh-db sockets the store uses.
func (m *Manager) Sockets() []string {
	return []string{wdb.SocketPath(m.home), wdb.HTTPSocketPath(m.home)}
}

// Services are what the actors are handed: agent-groups and agent-info on both node types,
// the agents list and the manager's daemons (sendsync, on their sockets) on the master. No
// KeysImporter: the manager's wazuh-modulesd loads client.keys into wazuh-db when the file
// changes (wm_sync_agents), as it does under wazuh-clusterd.
func (m *Manager) Services(master bool) actors.Services {
	s := actors.Services{
		Groups:    groupsStore{wdb: m.wdb, log: m.log},
		AgentInfo: m.info,
	}
	if master {
		s.Agents = agentLister{wdb: m.wdb}
		s.Daemons = m.Daemons()
	}
	return s
}

// Daemons serves sendsync with the manager's daemons, on their sockets (cluster §11).
func (m *Manager) Daemons() actors.Daemons {
	return daemonSockets{home: m.home, timeout: m.opts.DaemonTimeout, maxAnswer: m.opts.MaxDaemonAnswer}
}

// WazuhDB is the client of queue/db/wdb (sendsync to "wazuh-db" uses it too).
func (m *Manager) WazuhDB() *wdb.Client { return m.wdb }

// Close drops the idle HTTP connections.
func (m *Manager) Close() {
	m.http.Close()
	_ = m.tables.Close()
}

// The implementations the actors are handed.
var (
	_ actors.GroupsStore    = groupsStore{}
	_ actors.AgentInfoStore = (*agentInfo)(nil)
	_ actors.AgentLister    = agentLister{}
	_ actors.Daemons        = daemonSockets{}
)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
