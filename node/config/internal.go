package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Internal holds the internal options of cluster.json: Wazuh's "intervals" and
// "distributed_api" sections with Wazuh 4.14.7's defaults (§16.2), and clusterd's own
// "clusterd" section. In the file every duration is a number of seconds (int or float).
type Internal struct {
	Worker         WorkerIntervals
	Master         MasterIntervals
	Communication  Communication
	DistributedAPI DistributedAPI
	Clusterd       Clusterd
}

// WorkerIntervals is intervals.worker.
type WorkerIntervals struct {
	SyncIntegrity              time.Duration // sleep between integrity checks
	SyncAgentInfo              time.Duration // sleep between agent-info syncs
	SyncAgentGroups            time.Duration // read by Wazuh but unused
	TimeoutAgentGroups         time.Duration // wazuh-db apply timeout for agent-groups
	KeepAlive                  time.Duration // echo-c period; also the local client's keepalive
	ConnectionRetry            time.Duration // delay before reconnecting to the master
	MaxFailedKeepaliveAttempts int           // consecutive failures before disconnecting
	AgentGroupsMismatchLimit   int           // checksum mismatches before a full agent-groups resync
}

// MasterIntervals is intervals.master.
type MasterIntervals struct {
	ProcessPoolSize                int           // Wazuh's process pool; capped by CPU count
	SyncAgentGroups                time.Duration // agent-groups broadcast period
	TimeoutExtraValid              time.Duration // legacy
	RecalculateIntegrity           time.Duration // sleep between local integrity runs
	TimeoutAgentInfo               time.Duration // wazuh-db apply timeout for agent-info
	AgentGroupStartDelay           time.Duration // first sleep before broadcasting agent-groups
	CheckWorkerLastKeepalive       time.Duration // period of the keepalive check
	MaxAllowedTimeWithoutKeepalive time.Duration // silence after which a worker is dropped
	MaxLockedIntegrityTime         time.Duration // integrity lock auto-release
}

// Communication is intervals.communication.
type Communication struct {
	TimeoutClusterRequest time.Duration // request/response timeout
	TimeoutDAPIRequest    time.Duration // distributed API wait
	TimeoutReceivingFile  time.Duration // file wait; also drives the zip-limit tuning
	MaxZipSize            int64         // package limit and decompression bound, bytes
	MinZipSize            int64         // lower bound after shrinking, bytes
	CompressLevel         int           // zlib level
	ZipLimitTolerance     float64       // shrink/grow factor of the adaptive zip limit
}

// DistributedAPI is the distributed_api section.
type DistributedAPI struct {
	Enabled bool
}

// Clusterd is clusterd's own "clusterd" section of cluster.json.
type Clusterd struct {
	// Mode is the mode the node runs in: "wazuh" (in place of wazuh-clusterd on a Wazuh
	// manager), "standalone" (with its own agent store, enrollment and agent listener) or
	// "auto" (the default: Wazuh mode when the home is a Wazuh manager install). The command
	// line's --mode overrides it.
	Mode string
	// StandaloneKeys are the keys of this section the file sets that only shape the
	// standalone mode's own listeners (agent_identify_timeout, enroll_handshake_timeout,
	// descriptor_limit): in Wazuh mode they would be silently ignored, so they are refused.
	StandaloneKeys []string
	// Version is announced in hello; Wazuh masters accept only their exact version.
	Version string
	Gossip  Gossip
	// Replication times the replicated master of several master-eligible nodes (node/ha).
	Replication Replication
	// SendQueueLen bounds each connection's outbound frame queue.
	SendQueueLen int
	// MetricsAddr is the host:port of the metrics endpoint; empty turns it off.
	MetricsAddr string
	// DescriptorLimit, when positive, is the number of descriptors the connection bounds of the
	// agent and enrollment listeners are derived from, instead of the process's limit (it can
	// only lower them: a value above the process's limit is the process's limit).
	DescriptorLimit int
	// AgentIdentifyTimeout is how long a connection to the agent port may stay without a message
	// from a known agent (30 s).
	AgentIdentifyTimeout time.Duration
	// EnrollHandshakeTimeout bounds an enrollment's TLS handshake and request line (10 s).
	EnrollHandshakeTimeout time.Duration
}

// The values of clusterd.mode.
const (
	ModeAuto       = "auto"
	ModeWazuh      = "wazuh"
	ModeStandalone = "standalone"
)

// Replication is the raft clock of a replicated master: a standby that hears no leader for
// ElectionTicks ticks starts an election. Zero values keep node/ha's defaults (100 ms, 10
// ticks: an election within 1–2 s of the acting master's loss).
type Replication struct {
	Tick          time.Duration
	ElectionTicks int
}

// Gossip is clusterd.gossip: memberlist, used only to learn which nodes are alive. A zero
// timer keeps the tuned default of package gossip.
type Gossip struct {
	Enabled          bool
	Port             int // 0 lets the system choose
	ProbeInterval    time.Duration
	ProbeTimeout     time.Duration
	GossipInterval   time.Duration
	PushPullInterval time.Duration
	GossipToTheDead  time.Duration
	DeadNodeReclaim  time.Duration
	SuspicionMult    int
}

// DefaultInternal returns Wazuh 4.14.7's cluster.json values and clusterd's own defaults.
func DefaultInternal() Internal {
	return Internal{
		Worker: WorkerIntervals{
			SyncIntegrity:              9 * time.Second,
			SyncAgentInfo:              10 * time.Second,
			SyncAgentGroups:            30 * time.Second,
			TimeoutAgentGroups:         40 * time.Second,
			KeepAlive:                  60 * time.Second,
			ConnectionRetry:            10 * time.Second,
			MaxFailedKeepaliveAttempts: 2,
			AgentGroupsMismatchLimit:   5,
		},
		Master: MasterIntervals{
			ProcessPoolSize:                2,
			SyncAgentGroups:                10 * time.Second,
			TimeoutExtraValid:              40 * time.Second,
			RecalculateIntegrity:           8 * time.Second,
			TimeoutAgentInfo:               40 * time.Second,
			AgentGroupStartDelay:           30 * time.Second,
			CheckWorkerLastKeepalive:       60 * time.Second,
			MaxAllowedTimeWithoutKeepalive: 120 * time.Second,
			MaxLockedIntegrityTime:         1000 * time.Second,
		},
		Communication: Communication{
			TimeoutClusterRequest: 20 * time.Second,
			TimeoutDAPIRequest:    200 * time.Second,
			TimeoutReceivingFile:  120 * time.Second,
			MaxZipSize:            1073741824,
			MinZipSize:            31457280,
			CompressLevel:         1,
			ZipLimitTolerance:     0.2,
		},
		DistributedAPI: DistributedAPI{Enabled: true},
		Clusterd: Clusterd{
			Mode:    ModeAuto,
			Version: "4.14.7",
			// The timers stay zero: the memberlist layer (package gossip) owns their tuned
			// defaults, and cluster.json overrides only what it names.
			Gossip:                 Gossip{Enabled: true, Port: 1517},
			SendQueueLen:           256,
			MetricsAddr:            "",
			AgentIdentifyTimeout:   30 * time.Second,
			EnrollHandshakeTimeout: 10 * time.Second,
		},
	}
}

// LoadInternal reads cluster.json at path. A missing file gives DefaultInternal().
func LoadInternal(path string) (Internal, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultInternal(), nil
	}
	if err != nil {
		return Internal{}, fmt.Errorf("read cluster.json: %w", err)
	}
	in, err := ParseInternal(data)
	if err != nil {
		return Internal{}, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// ParseInternal reads cluster.json content over DefaultInternal(): absent keys keep their
// defaults. A key the file format does not define is refused (ErrUnknownKey) so a typo cannot
// silently leave a default in place; the Wazuh sections clusterd does not use ("files",
// "excluded_files", "excluded_extensions", "disconnected_agent_sync", "haproxy…", and Wazuh's
// newer master intervals) are accepted and ignored. A value of the wrong JSON type is
// ErrInvalidType. Ranges are left to Validate.
func ParseInternal(data []byte) (Internal, error) {
	var root json.RawMessage
	if err := json.Unmarshal(data, &root); err != nil {
		return Internal{}, fmt.Errorf("%w: %w", ErrMalformedJSON, err)
	}
	in := DefaultInternal()
	if err := decodeObject("", root, internalSchema(&in)); err != nil {
		return Internal{}, err
	}
	return in, nil
}
