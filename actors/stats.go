package actors

import (
	"fmt"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// Actor states as introspection reports them.
const (
	StateStarting   = "starting"
	StateRunning    = "running"
	StateRestarting = "restarting"
	StateStopping   = "stopping"
)

// Registry records, for every live actor, what introspection shows: state, uptime, messages
// received, mailbox depth, restarts and last failure. Restart history is kept by path, so an
// actor that is stopped and spawned again by its supervisor keeps its count.
type Registry struct {
	now func() time.Time

	mu      sync.Mutex
	live    map[string]*record
	history map[string]*history
	notes   map[string]string

	deadLetters atomic.Int64
}

type history struct {
	restarts      int
	incarnations  int // fresh spawns under this path; a restart in place is not one
	lastFailure   string
	lastFailureAt time.Time
}

// record is one actor's statistics. It is the mailbox middleware of that actor (posted and
// received counts give the depth) and feeds its receiver middleware.
type record struct {
	path      atomic.Pointer[string]
	state     atomic.Pointer[string]
	startedAt atomic.Int64
	posted    atomic.Int64
	taken     atomic.Int64
	received  atomic.Uint64
}

// NewRegistry returns an empty registry using now as its clock.
func NewRegistry(now func() time.Time) *Registry {
	return &Registry{now: now, live: map[string]*record{}, history: map[string]*history{}, notes: map[string]string{}}
}

func (r *Registry) newRecord() *record {
	rec := &record{}
	rec.setState(StateStarting)
	return rec
}

// Subscribe counts supervision events and dead letters of system. The handlers run on the
// publisher's goroutine, so they only update counters under a short lock.
func (r *Registry) Subscribe(system *actor.ActorSystem) {
	system.EventStream.Subscribe(func(evt any) {
		switch e := evt.(type) {
		case *actor.SupervisorEvent:
			if e.Directive == actor.RestartDirective || e.Directive == actor.StopDirective {
				r.NoteFailure(e.Child.Id, fmt.Sprint(e.Reason), e.Directive == actor.RestartDirective)
			}
		case *actor.DeadLetterEvent:
			r.deadLetters.Add(1)
		}
	})
}

// NoteFailure records a failure of the actor at path; restarted says whether it counts as a
// restart (a supervisor re-spawn after a stop counts too).
func (r *Registry) NoteFailure(path, reason string, restarted bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.historyOf(path)
	if restarted {
		h.restarts++
	}
	if reason != "" {
		h.lastFailure = reason
		h.lastFailureAt = r.now()
	}
}

func (r *Registry) historyOf(path string) *history {
	h, ok := r.history[path]
	if !ok {
		h = &history{}
		r.history[path] = h
	}
	return h
}

// SetNote records something an operator should know about the actor at path (e.g. a ruleset
// reload is pending); it outlives restarts and is shown by introspection.
func (r *Registry) SetNote(path, note string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes[path] = note
}

// Notes returns a copy of every note, by actor path.
func (r *Registry) Notes() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.notes)
}

// DeadLetters is the number of messages sent to actors that no longer exist.
func (r *Registry) DeadLetters() int64 { return r.deadLetters.Load() }

// Snapshot lists every live actor, sorted by path.
func (r *Registry) Snapshot() []messages.ActorInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	out := make([]messages.ActorInfo, 0, len(r.live))
	for path, rec := range r.live {
		info := messages.ActorInfo{
			Path:          path,
			State:         *rec.state.Load(),
			UptimeSeconds: now.Sub(time.Unix(0, rec.startedAt.Load())).Seconds(),
			Received:      rec.received.Load(),
			MailboxDepth:  rec.posted.Load() - rec.taken.Load(),
		}
		if h, ok := r.history[path]; ok {
			info.Restarts = h.restarts
			info.Incarnations = h.incarnations
			info.LastFailure = h.lastFailure
			info.LastFailureAt = h.lastFailureAt
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Lookup reports whether an actor with this path is alive.
func (r *Registry) Lookup(path string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.live[path]
	return ok
}

// Paths lists the live actor paths, sorted.
func (r *Registry) Paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.live))
	for p := range r.live {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (r *Registry) register(path string, rec *record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live[path] != rec {
		r.historyOf(path).incarnations++
	}
	r.live[path] = rec
}

func (r *Registry) unregister(path string, rec *record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live[path] == rec {
		delete(r.live, path)
	}
}

func (rec *record) setState(s string) { rec.state.Store(&s) }

// MailboxStarted implements actor.MailboxMiddleware.
func (rec *record) MailboxStarted() {}

// MessagePosted implements actor.MailboxMiddleware.
func (rec *record) MessagePosted(any) { rec.posted.Add(1) }

// MessageReceived implements actor.MailboxMiddleware.
func (rec *record) MessageReceived(any) { rec.taken.Add(1) }

// MailboxEmpty implements actor.MailboxMiddleware.
func (rec *record) MailboxEmpty() {}

// middleware keeps the record's state and counters and registers the actor under its path
// while it lives.
func (rec *record) middleware(reg *Registry) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			switch env.Message.(type) {
			case *actor.Started:
				path := c.Self().Id
				rec.path.Store(&path)
				rec.startedAt.Store(reg.now().UnixNano())
				reg.register(path, rec)
				next(c, env)
				rec.setState(StateRunning)
				return
			case *actor.Restarting:
				rec.setState(StateRestarting)
			case *actor.Stopping:
				rec.setState(StateStopping)
			case *actor.Stopped:
				next(c, env)
				if p := rec.path.Load(); p != nil {
					reg.unregister(*p, rec)
				}
				return
			case actor.SystemMessage, actor.AutoReceiveMessage:
			default:
				rec.received.Add(1)
			}
			next(c, env)
		}
	}
}
