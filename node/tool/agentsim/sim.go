package agentsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/sirupsen/logrus"
)

// maxEnrollErrors is how many individual enrollment errors Enroll reports.
const maxEnrollErrors = 5

// maxFailoverSamples bounds the failover times kept for the report.
const maxFailoverSamples = 1 << 20

// Sim is a set of simulated agents.
type Sim struct {
	cfg        Config
	log        *logrus.Entry
	enrollTLS  *tls.Config
	agents     []agent
	servers    []serverStats
	connectSem chan struct{}

	failovers      atomic.Int64
	reconnects     atomic.Int64
	mergedPushes   atomic.Int64
	mergedRejected atomic.Int64

	samplesMu     sync.Mutex
	failoverTimes []time.Duration

	runMu   sync.Mutex
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// serverStats counts what happened with one configured server.
type serverStats struct {
	eventsSent  atomic.Int64
	acks        atomic.Int64
	failoversIn atomic.Int64
}

// New prepares a simulation; agents with a key in cfg.Keys are ready to Start,
// the others need Enroll first.
func New(cfg Config) (*Sim, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("agent simulator config: %w", err)
	}
	s := &Sim{
		cfg:     cfg,
		log:     cfg.Log,
		agents:  make([]agent, cfg.Agents),
		servers: make([]serverStats, len(cfg.Servers)),
	}
	if len(cfg.EnrollAddrs) > 0 {
		tlsCfg, err := enrollTLSConfig(cfg.EnrollCAFile)
		if err != nil {
			return nil, err
		}
		s.enrollTLS = tlsCfg
	}
	if cfg.ConnectConcurrency > 0 {
		s.connectSem = make(chan struct{}, cfg.ConnectConcurrency)
	}
	for i := range s.agents {
		a := &s.agents[i]
		a.sim, a.index, a.queue = s, i, newEventQueue(cfg.BufferSize)
		a.server.Store(-1)
		if i >= len(cfg.Keys) {
			a.name = cfg.agentName(i)
			continue
		}
		if err := a.setKey(cfg.Keys[i]); err != nil {
			return nil, fmt.Errorf("key of agent %s (%s): %w", cfg.Keys[i].ID, cfg.Keys[i].Name, err)
		}
	}
	return s, nil
}

// Enroll asks authd for a key for every agent that has none, EnrollConcurrency at
// a time. Network failures are retried MaxRetries times RetryInterval apart;
// refusals (*EnrollError) are not. It must not run concurrently with Start.
func (s *Sim) Enroll(ctx context.Context) error {
	s.runMu.Lock()
	started := s.started
	s.runMu.Unlock()
	if started {
		return ErrAlreadyStarted
	}
	sem := make(chan struct{}, s.cfg.EnrollConcurrency)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   []error
		failed int
		tried  int
	)
	for i := range s.agents {
		a := &s.agents[i]
		if a.cipher != nil {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		tried++
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.enrollAgent(ctx, a); err != nil {
				mu.Lock()
				failed++
				if len(errs) < maxEnrollErrors {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("enroll agents: %w", ctx.Err())
	}
	if failed > 0 {
		return fmt.Errorf("enroll agents: %d of %d failed: %w", failed, tried, errors.Join(errs...))
	}
	return nil
}

func (s *Sim) enrollAgent(ctx context.Context, a *agent) error {
	addr := s.cfg.EnrollAddrs[a.index%len(s.cfg.EnrollAddrs)]
	request := enrollRequest(a.name, s.cfg.Version, s.cfg.Groups)
	var err error
	for attempt := range s.cfg.MaxRetries {
		if attempt > 0 && !sleep(ctx, s.cfg.RetryInterval) {
			break
		}
		var key agentproto.Key
		key, err = enrollOnce(ctx, addr, s.enrollTLS, request, s.cfg.TimeReconnect)
		if err == nil {
			if err = a.setKey(key); err != nil {
				return fmt.Errorf("agent %s: key %s: %w", a.name, key.ID, err)
			}
			return nil
		}
		var refused *EnrollError
		if errors.As(err, &refused) {
			break
		}
	}
	return fmt.Errorf("agent %s: %w", a.name, err)
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// Start launches every agent: connect (startup → ack), then keepalives and events,
// failing over as needed, until Stop or ctx ends. It returns at once.
func (s *Sim) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.started {
		return ErrAlreadyStarted
	}
	for i := range s.agents {
		if s.agents[i].cipher == nil {
			return fmt.Errorf("agent %s: %w", s.agents[i].name, ErrNotEnrolled)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	s.started, s.cancel = true, cancel
	for i := range s.agents {
		s.wg.Add(1)
		go s.agents[i].run(runCtx)
	}
	return nil
}

// Stop makes every connected agent send the shutdown message and close, and
// returns when all agent goroutines have ended.
func (s *Sim) Stop() {
	s.runMu.Lock()
	cancel := s.cancel
	s.runMu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
}

// Keys returns the keys of the agents that have one, in agent order (for a
// client.keys file that a later run can reuse).
func (s *Sim) Keys() []agentproto.Key {
	keys := make([]agentproto.Key, 0, len(s.agents))
	for i := range s.agents {
		if s.agents[i].cipher != nil {
			keys = append(keys, s.agents[i].key)
		}
	}
	return keys
}

// recordReconnect notes a session re-established after a loss: a failover when
// the server changed, else a plain reconnection.
func (s *Sim) recordReconnect(from, to int, took time.Duration) {
	if from == to {
		s.reconnects.Add(1)
		return
	}
	s.failovers.Add(1)
	s.servers[to].failoversIn.Add(1)
	s.samplesMu.Lock()
	if len(s.failoverTimes) < maxFailoverSamples {
		s.failoverTimes = append(s.failoverTimes, took)
	}
	s.samplesMu.Unlock()
}
