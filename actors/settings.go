package actors

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/clusterd/clusterd/wire"
)

// Node types.
const (
	TypeMaster = "master"
	TypeWorker = "worker"
)

// Settings is everything the actors of one node need to know, assembled by package node from
// ossec.conf and cluster.json.
type Settings struct {
	NodeName    string
	NodeType    string
	ClusterName string
	Key         string
	Version     string // announced in hello and compared by the master (exact match, §4.2)
	Home        string

	BindAddr string // master: where the cluster port listens
	Port     int
	NodeIP   string // nodes[0]: the master's address; what the master reports as its own IP
	// MasterIPs are all the addresses of <nodes> when it lists several (master-eligible
	// nodes): a worker tries them in turn until one accepts it.
	MasterIPs []string
	// NoInitialRole starts the tree without a role subtree: a replicated master's role is
	// decided by the replication (node/ha), which starts one with Tree.Switch.
	NoInitialRole bool

	KeepAlive                      time.Duration
	ConnectionRetry                time.Duration
	MaxFailedKeepaliveAttempts     int
	CheckWorkerLastKeepalive       time.Duration
	MaxAllowedTimeWithoutKeepalive time.Duration
	RequestTimeout                 time.Duration // timeout_cluster_request
	HelloTimeout                   time.Duration // how long an accepted connection may stay silent before its hello
	DialTimeout                    time.Duration
	SendQueueLen                   int
	PayloadDeadline                time.Duration

	// Integrity synchronisation (intervals.worker.sync_integrity and friends).
	SyncIntegrity          time.Duration
	RecalculateIntegrity   time.Duration
	MaxLockedIntegrityTime time.Duration
	TimeoutReceivingFile   time.Duration
	MaxZipSize             int64
	MinZipSize             int64
	ZipLimitTolerance      float64
	CompressLevel          int
	HashWorkers            int // process_pool_size: goroutines hashing files

	// Agent-groups (intervals.master.sync_agent_groups, agent_group_start_delay,
	// intervals.worker.agent_groups_mismatch_limit, timeout_agent_groups).
	SyncAgentGroups          time.Duration
	AgentGroupStartDelay     time.Duration
	AgentGroupsMismatchLimit int
	TimeoutAgentGroups       time.Duration
	// Agent-info (intervals.worker.sync_agent_info, intervals.master.timeout_agent_info).
	SyncAgentInfo    time.Duration
	TimeoutAgentInfo time.Duration
	// SendsyncTimeout bounds a worker's wait for the master's answer to a sendsync request.
	SendsyncTimeout time.Duration
	// DAPIRequestTimeout is timeout_dapi_request: how long a DAPI request sent to another node
	// waits for its answer before it ends with 3021.
	DAPIRequestTimeout time.Duration

	// Services are the store and daemons the node hands in.
	Services Services

	// ConfigJSON is the answer to the local get_config command.
	ConfigJSON []byte

	// TreeGate, when set (a replicated master), decides whether the master may distribute the
	// file tree it scanned.
	TreeGate TreeGate

	// Join asks memberlist to join the master's gossip address (worker side; nil when gossip
	// is off). It blocks, so actors call it from a goroutine.
	Join func(ctx context.Context) error
}

// IsMaster reports whether this node is the master.
func (s Settings) IsMaster() bool { return s.NodeType == TypeMaster }

// LocalSocketPath is the Wazuh local socket, queue/cluster/c-internal.sock.
func (s Settings) LocalSocketPath() string {
	return filepath.Join(s.Home, "queue", "cluster", "c-internal.sock")
}

// ControlSocketPath is clusterd's introspection socket (actorctl), readable by its owner only.
func (s Settings) ControlSocketPath() string {
	return filepath.Join(s.Home, "queue", "cluster", "actorctl.sock")
}

// QueueDir is queue/cluster/<peer>/, where a peer's temporary files live.
func (s Settings) QueueDir(peer string) string {
	return filepath.Join(s.Home, "queue", "cluster", peer)
}

// PreAuthFrameSize bounds every frame a cluster peer sends before its hello succeeded: a hello
// token is a few hundred bytes, so a few KiB leave room for any valid one.
const PreAuthFrameSize = 8 << 10

// clusterCipher builds the Fernet cipher of the cluster key. SpawnTree builds it once before
// any actor starts, so a key that makes no cipher fails the node at start; a cluster connection
// is never opened without one.
func (s Settings) clusterCipher() (*wire.Cipher, error) {
	c, err := wire.NewCipher(s.Key)
	if err != nil {
		return nil, fmt.Errorf("build the cluster cipher from the configured key: %w", err)
	}
	return c, nil
}

// clusterConnConfig is the configuration of a cluster connection: encrypted, and every receive
// buffer drawn from the node's budget. It fails rather than return a configuration without a
// cipher.
func (s Settings) clusterConnConfig(kit *Kit) (wire.ConnConfig, error) {
	cipher, err := s.clusterCipher()
	if err != nil {
		return wire.ConnConfig{}, err
	}
	cfg := s.localConnConfig()
	cfg.Cipher = cipher
	cfg.Limits.Budget = kit.ReceiveBudget
	return cfg, nil
}

// acceptedConnConfig is the configuration of a connection accepted on the cluster port: frames
// are bounded to PreAuthFrameSize until the peer's hello succeeded (the handler lifts the bound
// before answering it). A dialing worker needs no such bound: the master may send its first
// requests right behind the hello's answer, and the budget bounds the master too.
func (s Settings) acceptedConnConfig(kit *Kit) (wire.ConnConfig, error) {
	cfg, err := s.clusterConnConfig(kit)
	cfg.Limits.PreAuthSize = PreAuthFrameSize
	return cfg, err
}

// localConnConfig is the configuration of a connection on a local Unix socket: Wazuh's local
// protocol is not encrypted.
func (s Settings) localConnConfig() wire.ConnConfig {
	return wire.ConnConfig{QueueLen: s.SendQueueLen, PayloadDeadline: s.PayloadDeadline}
}
