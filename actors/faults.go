package actors

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Fault describes what the injector does to the user messages of the actors it matches.
// Lifecycle and system messages are never touched, except that PanicInStarted makes Started
// itself fail (to exercise restart loops).
type Fault struct {
	PanicOnNth       int           `json:"panic_on_nth,omitempty"`      // panic on the Nth message counted from when the fault was set (1 = next)
	PanicProbability float64       `json:"panic_probability,omitempty"` // panic with this probability on each message
	DropProbability  float64       `json:"drop_probability,omitempty"`  // drop the message (it never reaches the actor) with this probability
	Delay            time.Duration `json:"delay,omitempty"`             // hold each message this long before the actor sees it
	PanicInStarted   bool          `json:"panic_in_started,omitempty"`  // panic while handling Started
	Times            int           `json:"times,omitempty"`             // how many times the fault may fire; 0 means unlimited
	// MessageType limits the fault to messages of this Go type, as fmt's %T prints it
	// (e.g. "*actors.inboundFrame": only frames read from the peer). Empty means every message.
	MessageType string `json:"message_type,omitempty"`
}

// InjectedPanic is the value the injector panics with, so logs and restart records say plainly
// that a failure was injected.
type InjectedPanic struct {
	Path   string
	Reason string
}

func (p InjectedPanic) String() string {
	return fmt.Sprintf("injected fault in %s: %s", p.Path, p.Reason)
}

// Faults is the seeded fault injector installed on every actor by Kit.Props. Rules are keyed by
// actor path; a key ending in "*" matches every path with that prefix.
type Faults struct {
	seed int64

	mu    sync.Mutex
	rng   *rand.Rand
	rules map[string]*faultRule
}

type faultRule struct {
	Fault
	seen  int
	fired int
}

// NewFaults returns an injector whose random choices are drawn from seed.
func NewFaults(seed int64) *Faults {
	return &Faults{seed: seed, rng: rand.New(rand.NewSource(seed)), rules: map[string]*faultRule{}}
}

// Seed is the seed of the injector's random source (logged so that a chaos run can be replayed).
func (f *Faults) Seed() int64 { return f.seed }

// Set installs (or replaces) the fault for path.
func (f *Faults) Set(path string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules[path] = &faultRule{Fault: fault}
}

// Clear removes the fault for path.
func (f *Faults) Clear(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.rules, path)
}

// ClearAll removes every fault.
func (f *Faults) ClearAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = map[string]*faultRule{}
}

type faultAction int

const (
	actPass faultAction = iota
	actPanic
	actDrop
)

// decide picks what happens to one message of the actor at path.
func (f *Faults) decide(path string, msg any, started bool) (faultAction, time.Duration, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.rules) == 0 {
		return actPass, 0, ""
	}
	rule := f.ruleFor(path)
	if rule == nil || (rule.Times > 0 && rule.fired >= rule.Times) {
		return actPass, 0, ""
	}
	if rule.MessageType != "" && fmt.Sprintf("%T", msg) != rule.MessageType {
		return actPass, 0, ""
	}
	if started {
		if rule.PanicInStarted {
			rule.fired++
			return actPanic, 0, "panic in Started"
		}
		return actPass, 0, ""
	}
	rule.seen++
	switch {
	case rule.PanicOnNth > 0 && rule.seen == rule.PanicOnNth:
		rule.fired++
		return actPanic, rule.Delay, fmt.Sprintf("panic on message %d", rule.seen)
	case rule.PanicProbability > 0 && f.rng.Float64() < rule.PanicProbability:
		rule.fired++
		return actPanic, rule.Delay, "random panic"
	case rule.DropProbability > 0 && f.rng.Float64() < rule.DropProbability:
		rule.fired++
		return actDrop, rule.Delay, "dropped"
	}
	if rule.Delay > 0 {
		// A delay on its own is a firing too, so Times bounds it.
		rule.fired++
	}
	return actPass, rule.Delay, ""
}

func (f *Faults) ruleFor(path string) *faultRule {
	if r, ok := f.rules[path]; ok {
		return r
	}
	for key, r := range f.rules {
		if prefix, ok := strings.CutSuffix(key, "*"); ok && strings.HasPrefix(path, prefix) {
			return r
		}
	}
	return nil
}

func (f *Faults) middleware() actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			started := false
			switch env.Message.(type) {
			case *actor.Started:
				started = true
			case actor.SystemMessage, actor.AutoReceiveMessage:
				next(c, env)
				return
			}
			action, delay, reason := f.decide(c.Self().Id, env.Message, started)
			if delay > 0 {
				// A delay holds this actor's mailbox goroutine only, which is what a slow
				// actor looks like to its peers.
				time.Sleep(delay)
			}
			switch action {
			case actPanic:
				panic(InjectedPanic{Path: c.Self().Id, Reason: reason})
			case actDrop:
				return
			}
			next(c, env)
		}
	}
}
