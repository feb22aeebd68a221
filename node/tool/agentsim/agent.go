package agentsim

import (
	"sync/atomic"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// agent is one simulated agent. Fields without a note are owned by the agent's
// goroutine; the atomics are read by Report, mergedSum is written by the session
// reader.
type agent struct {
	sim   *Sim
	index int
	name  string // name to enroll with while key is unset

	key      agentproto.Key
	cipher   *agentproto.Cipher
	counter  *agentproto.Counter
	idPrefix bool // messages carry "!<id>!" (key IP is not a single IPv4)

	queue   eventQueue
	lastSeq uint64
	tokens  float64
	lastGen time.Time
	started bool // "Agent started" event written

	mergedSum atomic.Pointer[string]

	generated atomic.Int64
	sent      atomic.Int64
	dropped   atomic.Int64
	server    atomic.Int32 // server index while connected, -1 otherwise
}

// setKey gives the agent its identity and secure-channel state. The sender counter
// starts at the current Unix time as global value so that a later run with the same
// keys keeps counting upwards, as an agent's persisted counter would.
func (a *agent) setKey(k agentproto.Key) error {
	c, err := agentproto.NewCipher(k)
	if err != nil {
		return err
	}
	a.key, a.cipher, a.name = k, c, k.Name
	a.counter = agentproto.NewCounter(uint32(time.Now().Unix()), 0)
	a.idPrefix = agentproto.NeedsIDPrefix(k.IP)
	return nil
}

// generate turns the time elapsed since the last call into events (token bucket
// without a burst cap: the generated count follows EventsPerSecond exactly even
// when the agent was busy dialing). Events that do not fit the buffer are dropped.
func (a *agent) generate(now time.Time) {
	eps := a.sim.cfg.EventsPerSecond
	if eps <= 0 {
		return
	}
	if elapsed := now.Sub(a.lastGen); elapsed > 0 {
		a.tokens += elapsed.Seconds() * eps
		a.lastGen = now
	}
	for a.tokens >= 1 {
		a.tokens--
		a.lastSeq++
		a.generated.Add(1)
		if !a.queue.push(a.lastSeq) {
			a.dropped.Add(1)
		}
	}
}

// generator ticks an agent's event generation; its channel is nil (never ready)
// when the agent sends no events.
type generator struct{ ticker *time.Ticker }

// Generation ticks at the event interval, within these bounds: often enough that
// events flow smoothly, rarely enough that 10,000 agents do not spin.
const (
	minGenerateInterval = 10 * time.Millisecond
	maxGenerateInterval = time.Second
)

func newGenerator(eps float64) generator {
	if eps <= 0 {
		return generator{}
	}
	interval := time.Duration(float64(time.Second) / eps)
	interval = min(max(interval, minGenerateInterval), maxGenerateInterval)
	return generator{ticker: time.NewTicker(interval)}
}

func (g generator) C() <-chan time.Time {
	if g.ticker == nil {
		return nil
	}
	return g.ticker.C
}

func (g generator) stop() {
	if g.ticker != nil {
		g.ticker.Stop()
	}
}
