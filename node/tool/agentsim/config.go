package agentsim

import (
	"fmt"
	"io"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/sirupsen/logrus"
)

// Config describes one simulation. Zero values take Wazuh's defaults.
type Config struct {
	// Servers are the managers ("host:port") in <server> order; agents fail over in
	// this order and wrap.
	Servers []string
	// EnrollAddrs are authd listeners ("host:port"); agent i enrolls with
	// EnrollAddrs[i % n]. Empty when every agent has a key in Keys.
	EnrollAddrs []string
	// EnrollCAFile, when set, is a PEM CA bundle used to verify authd's certificate
	// (and its name); without it the certificate is not checked, like an agent
	// without <server_ca_path>.
	EnrollCAFile string
	// Keys are pre-enrolled agents; agent i uses Keys[i] when i < len(Keys).
	Keys []agentproto.Key
	// Agents is the number of agents (at least len(Keys)).
	Agents int
	// NamePrefix names enrolled agents "<prefix>-00001", … (default "agentsim").
	NamePrefix string
	// Groups is sent as G:'…' at enrollment when not empty.
	Groups string
	// Version is the agent version ("v4.14.7").
	Version string
	// NotifyTime is the keepalive period (20 s).
	NotifyTime time.Duration
	// TimeReconnect is how long an agent waits for any "#!-" message before it
	// reconnects (60 s); it also bounds dialing and the wait for the startup ack.
	TimeReconnect time.Duration
	// EventsPerSecond is the log event rate of each agent; 0 = none.
	EventsPerSecond float64
	// BufferSize is the client buffer in events (5000).
	BufferSize int
	// RetryInterval separates connection attempts (10 s).
	RetryInterval time.Duration
	// MaxRetries is the number of attempts on one server before the next (5).
	MaxRetries int
	// EnrollConcurrency bounds parallel enrollments (32).
	EnrollConcurrency int
	// ConnectConcurrency bounds parallel handshakes (dial, startup, ack) so that
	// thousands of agents do not overflow a listen backlog at once; 0 = unbounded.
	ConnectConcurrency int
	// Log receives connection and failover messages; nil discards them.
	Log *logrus.Entry
}

// Wazuh v4.14 agent defaults (agent §3.3, §4.4, §4.5).
const (
	defaultVersion           = "v4.14.7"
	defaultNamePrefix        = "agentsim"
	defaultNotifyTime        = 20 * time.Second
	defaultTimeReconnect     = 60 * time.Second
	defaultBufferSize        = 5000
	defaultRetryInterval     = 10 * time.Second
	defaultMaxRetries        = 5
	defaultEnrollConcurrency = 32
)

func (c Config) withDefaults() Config {
	if c.Version == "" {
		c.Version = defaultVersion
	}
	if c.NamePrefix == "" {
		c.NamePrefix = defaultNamePrefix
	}
	if c.NotifyTime <= 0 {
		c.NotifyTime = defaultNotifyTime
	}
	if c.TimeReconnect <= 0 {
		c.TimeReconnect = defaultTimeReconnect
	}
	if c.BufferSize <= 0 {
		c.BufferSize = defaultBufferSize
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = defaultRetryInterval
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = defaultMaxRetries
	}
	if c.EnrollConcurrency <= 0 {
		c.EnrollConcurrency = defaultEnrollConcurrency
	}
	if c.Agents < len(c.Keys) {
		c.Agents = len(c.Keys)
	}
	if c.Log == nil {
		logger := logrus.New()
		logger.SetOutput(io.Discard)
		c.Log = logrus.NewEntry(logger)
	}
	return c
}

func (c Config) validate() error {
	if len(c.Servers) == 0 {
		return ErrNoServers
	}
	if c.Agents > len(c.Keys) && len(c.EnrollAddrs) == 0 {
		return fmt.Errorf("%d agents, %d keys: %w", c.Agents, len(c.Keys), ErrNoKeys)
	}
	if c.EventsPerSecond < 0 {
		return fmt.Errorf("events per second %v: must not be negative", c.EventsPerSecond)
	}
	return nil
}

// agentName is the name of the i-th (0-based) enrolled agent.
func (c Config) agentName(i int) string {
	return fmt.Sprintf("%s-%05d", c.NamePrefix, i+1)
}
