package actors

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/scheduler"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/wire"
)

// Kit is what every actor of a node shares: the actor system, the stats registry that
// introspection reads, the fault injector that chaos tests drive, the timer scheduler and the
// node's logger. Spawn is the only way actors are created, so every actor carries the stats and
// fault middleware.
type Kit struct {
	System   *actor.ActorSystem
	Registry *Registry
	Faults   *Faults
	Timers   *scheduler.TimerScheduler
	Log      *logrus.Entry
	Now      func() time.Time
	// Directory says which role subtree runs and where its actors are.
	Directory *Directory

	// ReceiveBudget bounds the receive buffers of all the node's cluster connections together,
	// and StringBudget the long strings they are receiving (new_str announces up to 256 MiB
	// per string), so that no number of peers can make the node hold more.
	ReceiveBudget *wire.ReceiveBudget
	StringBudget  *wire.Budget

	// agentInfoApplies applies the workers' agent-info documents on the master one transaction
	// at a time, the documents that wait meanwhile (their bytes held by StringBudget) together
	// in the next one, rather than each adding a transaction of its own.
	agentInfoApplies *agentInfoGroup

	// peerStrings bounds the long strings under way to each peer connection (sendLongString).
	peerStrings *peerSlots

	// running counts the goroutines actors started (connections, offloaded work), so that
	// shutdown can wait for every one of them; live is the same count, readable.
	running sync.WaitGroup
	live    atomic.Int64

	// applying serialises the worker's applications of master packages on this node: the
	// goroutine of an integrity-sync that stopped (or of a worker role that was stopped) may
	// still be writing when the next one receives a package.
	applying sync.Mutex
}

// DefaultStringBudget is what all the long strings a node is receiving may announce together:
// two strings of the largest size Wazuh allows.
const DefaultStringBudget = 2 * wire.MaxTotalSize

// NewKit builds a kit around a fresh actor system. faultSeed seeds the fault injector's random
// source so a chaos run can be replayed.
func NewKit(log *logrus.Entry, faultSeed int64, opts ...actor.ConfigOption) *Kit {
	// The dead-letter log throttle runs a goroutine for one interval after each burst; keep it
	// short so a node (or a test) that stops is not left with it. Dead letters are counted by
	// the registry, so the log lines are only a hint.
	opts = append([]actor.ConfigOption{actor.WithDeadLetterThrottleInterval(100 * time.Millisecond)}, opts...)
	system := actor.NewActorSystem(opts...)
	k := &Kit{
		System:   system,
		Registry: NewRegistry(time.Now),
		Faults:   NewFaults(faultSeed),
		Timers:   scheduler.NewTimerScheduler(system.Root),
		Log:      log,
		Now:      time.Now,

		Directory: &Directory{},

		ReceiveBudget: wire.NewReceiveBudget(0, 0, 0),
		StringBudget:  wire.NewBudget(DefaultStringBudget),

		agentInfoApplies: newAgentInfoGroup(),
		peerStrings:      newPeerSlots(maxStringsInFlightPerPeer),
	}
	k.Registry.Subscribe(system)
	return k
}

// Props wraps producer with a mailbox that holds what is sent to the actor while it is being
// spawned (gatedMailbox), the stats mailbox middleware, and the stats, stop-guard and fault
// receiver middleware. A Props value must be used for exactly one spawn: the mailbox statistics it
// carries belong to that actor (they survive the actor's restarts, as its mailbox does).
func (k *Kit) Props(producer actor.Producer, opts ...actor.PropsOption) *actor.Props {
	rec := k.Registry.newRecord()
	base := []actor.PropsOption{
		actor.WithMailbox(gatedMailbox(actor.Unbounded(rec))),
		actor.WithReceiverMiddleware(rec.middleware(k.Registry), stopGuard(rec, k.Logger("Actors", "Main")), k.Faults.middleware()),
	}
	return actor.PropsFromProducer(producer, append(base, opts...)...)
}

// Spawn creates a named child of parent through Props. Names are stable so that an actor's path
// ("node/master/peers/worker1") is its identity in logs, introspection and chaos tests.
func (k *Kit) Spawn(parent actor.SpawnerContext, name string, producer actor.Producer, opts ...actor.PropsOption) (*actor.PID, error) {
	return parent.SpawnNamed(k.Props(producer, opts...), name)
}

// Logger returns the node logger with Wazuh's tag and subtag fields set.
func (k *Kit) Logger(tag, subtag string) *logrus.Entry {
	return k.Log.WithFields(logrus.Fields{"tag": tag, "subtag": subtag})
}

// Go runs fn on a goroutine that shutdown waits for. fn must return once its context ends.
func (k *Kit) Go(fn func()) {
	k.started()
	go func() {
		defer k.ended()
		fn()
	}()
}

// started and ended count one goroutine (or connection) of the actors.
func (k *Kit) started() {
	k.running.Add(1)
	k.live.Add(1)
}

func (k *Kit) ended() {
	k.live.Add(-1)
	k.running.Done()
}

// Running returns how many goroutines and connections the actors have running: what Wait
// waits for. Tests read it to see that stopped actors left nothing behind.
func (k *Kit) Running() int { return int(k.live.Load()) }

// Wait blocks until every goroutine started with Go (and every connection) has ended, or
// timeout has passed; it reports whether they all ended.
func (k *Kit) Wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		k.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
