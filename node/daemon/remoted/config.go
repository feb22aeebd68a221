package remoted

import (
	"fmt"
	"io"
	"time"

	"github.com/sirupsen/logrus"
)

// Config configures a Server. Zero durations and sizes take Wazuh's defaults.
type Config struct {
	// Home is the WAZUH_HOME-like root: etc/client.keys, etc/shared,
	// var/multigroups, logs/archives and queue/rids live under it.
	Home string
	// NodeName is stored as the node_name of agents that report here.
	NodeName string
	// Worker selects the sync_status values of a worker node (syncreq…);
	// a master writes "synced".
	Worker bool
	// ManagerVersion ("v4.14.7") bounds the agent versions accepted at startup
	// (major.minor) unless AllowHigherVersions is set.
	ManagerVersion      string
	AllowHigherVersions bool
	// TCPAddr and UDPAddr are the listen addresses; "" leaves that transport off.
	TCPAddr, UDPAddr string
	// DisconnectionTime is agents_disconnection_time (900 s): the period of the
	// disconnection check and the keepalive age it disconnects.
	DisconnectionTime time.Duration
	// ConnectionOvertake is connection_overtake_time (60 s).
	ConnectionOvertake time.Duration
	// KeysPoll is how often client.keys is checked for changes (1 s).
	KeysPoll time.Duration
	// ArchiveQueue is the number of events buffered before readers block (65536).
	ArchiveQueue int
	// MaxConnections bounds the open TCP connections from agents; one more is closed at once
	// (counted in Stats.ConnectionsRefused). 0 means no bound. The node sets it below the
	// process's descriptor limit, so a flood of connections cannot starve the cluster, the
	// local sockets and the files of descriptors.
	MaxConnections int
	// IdentifyTimeout is how long a new TCP connection may go without a message from a known
	// agent before it is closed (counted in Stats.IdleClosed); 30 s. Wazuh's remoted keeps such
	// a connection as long as the peer does.
	IdentifyTimeout time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Log receives the server's log lines (discarded when nil).
	Log *logrus.Entry
}

// Wazuh's defaults.
const (
	defaultDisconnectionTime  = 900 * time.Second
	defaultConnectionOvertake = 60 * time.Second
	defaultKeysPoll           = time.Second
	defaultArchiveQueue       = 65536
	// An agent sends its startup message (or a keepalive) as soon as it is connected; thirty
	// seconds is far beyond any honest agent's first message over a slow link, and recycles
	// the slots of connections that never speak twice a minute.
	defaultIdentifyTimeout = 30 * time.Second
)

// withDefaults fills the zero fields and rejects values that cannot work.
func (c Config) withDefaults() (Config, error) {
	if c.Home == "" {
		return c, fmt.Errorf("%w: empty Home", ErrBadConfig)
	}
	if c.DisconnectionTime == 0 {
		c.DisconnectionTime = defaultDisconnectionTime
	}
	if c.ConnectionOvertake == 0 {
		c.ConnectionOvertake = defaultConnectionOvertake
	}
	if c.KeysPoll == 0 {
		c.KeysPoll = defaultKeysPoll
	}
	if c.ArchiveQueue == 0 {
		c.ArchiveQueue = defaultArchiveQueue
	}
	if c.IdentifyTimeout == 0 {
		c.IdentifyTimeout = defaultIdentifyTimeout
	}
	if c.DisconnectionTime < 0 || c.ConnectionOvertake < 0 || c.KeysPoll < 0 || c.ArchiveQueue < 0 ||
		c.MaxConnections < 0 || c.IdentifyTimeout < 0 {
		return c, fmt.Errorf("%w: negative duration, queue size or connection bound", ErrBadConfig)
	}
	if _, _, ok := parseMajorMinor(c.ManagerVersion); !ok {
		return c, fmt.Errorf("%w: manager version %q is not vMAJOR.MINOR[.PATCH]", ErrBadConfig, c.ManagerVersion)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		c.Log = logrus.NewEntry(l)
	}
	return c, nil
}
