package benchshape

import (
	"fmt"
	"io"
	"time"
)

// Config is one run of the shape.
type Config struct {
	Bin     string // folder holding the clusterd and agentsim binaries
	Data    string // folder for the nodes' homes and the artifacts (emptied first)
	Workers int
	Agents  int
	// Steady is how long the run goes on once every agent is connected and reported.
	Steady time.Duration
	// SetupTimeout bounds the wait for the cluster to be ready.
	SetupTimeout time.Duration
	// NotifyTime is the agents' keepalive period (Wazuh's default, 20 s).
	NotifyTime time.Duration
	// Net is the first two octets of the loopback addresses used ("127.77"): the master is
	// <Net>.0.1, worker k is <Net>.1.k.
	Net  string
	Port int // cluster port; gossip on the next one
	// Pprof, when set, is the local port where the master serves its runtime profiles
	// (clusterd --pprof); worker k serves them on the k-th port after it.
	Pprof int
	// OthersNice is the niceness of every process but the master (workers and agent
	// simulators), 0 to 19. In Wazuh's shape each of them has a host of its own; on one machine
	// they take the master's cores, and a higher niceness lets the master run first, as it
	// would on its own host. 0 runs them all alike.
	OthersNice int
	Log        io.Writer
}

// Limits of this shape on one machine.
const (
	maxWorkers = 250
	// maxAgentsPerWorker keeps a worker's agent connections (and an agentsim process's)
	// inside a descriptor limit of 20,000 with room for the rest.
	maxAgentsPerWorker = 18000
	sampleEvery        = time.Second
)

func (c Config) withDefaults() Config {
	if c.Steady <= 0 {
		c.Steady = 3 * time.Minute
	}
	if c.SetupTimeout <= 0 {
		c.SetupTimeout = 15 * time.Minute
	}
	if c.NotifyTime <= 0 {
		c.NotifyTime = 20 * time.Second
	}
	if c.Net == "" {
		c.Net = "127.77"
	}
	if c.Port == 0 {
		c.Port = 1516
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

func (c Config) validate() error {
	if c.Workers < 1 || c.Workers > maxWorkers {
		return fmt.Errorf("%d workers: from 1 to %d", c.Workers, maxWorkers)
	}
	if c.Agents < 1 {
		return fmt.Errorf("%d agents: at least 1", c.Agents)
	}
	if per := (c.Agents + c.Workers - 1) / c.Workers; per > maxAgentsPerWorker {
		return fmt.Errorf("%d agents per worker: at most %d fit a descriptor limit of 20,000", per, maxAgentsPerWorker)
	}
	if c.OthersNice < 0 || c.OthersNice > 19 {
		return fmt.Errorf("niceness %d for the workers and agents: from 0 to 19", c.OthersNice)
	}
	if c.Bin == "" || c.Data == "" {
		return fmt.Errorf("the binaries' folder and the data folder are required")
	}
	return nil
}

func (c Config) masterIP() string      { return c.Net + ".0.1" }
func (c Config) workerIP(k int) string { return fmt.Sprintf("%s.%d.%d", c.Net, 1+k/250, 1+k%250) }
func workerName(k int) string          { return fmt.Sprintf("worker_%d", k+1) }
