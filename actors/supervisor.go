package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// ChildSpec names a permanent child of a Supervisor and how to build it.
type ChildSpec struct {
	Name     string
	Producer actor.Producer
	Options  []actor.PropsOption
}

// Restart limits for the protoactor strategy every supervisor installs: a child that panics more
// than maxRestarts times within restartWindow is stopped, and the Supervisor then re-spawns it
// with backoff, so a crash loop slows down instead of spinning or giving up for good.
const (
	maxRestarts   = 10
	restartWindow = 10 * time.Second
	backoffBase   = 50 * time.Millisecond
	backoffCap    = 5 * time.Second
	// stableAfter is how long a child must live for its backoff to reset.
	stableAfter = 10 * time.Second
	// drainTimeout is how long a draining supervisor lets one child work through its mailbox
	// before it stops the child at once.
	drainTimeout = 5 * time.Second
)

// SupervisorStrategy is the strategy every supervisor of the tree uses for its children.
func SupervisorStrategy() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(maxRestarts, restartWindow, actor.DefaultDecider)
}

// Supervisor keeps a fixed set of named children alive. A panicking child is restarted in place
// by the strategy; a child that stops (killed, or stopped by the strategy after too many panics)
// is spawned again after a capped exponential backoff, unless the supervisor itself is stopping.
type Supervisor struct {
	kit   *Kit
	log   *logrus.Entry
	specs []ChildSpec

	children map[string]*actor.PID
	names    map[string]string // pid id → child name
	spawned  map[string]time.Time
	attempts map[string]int
	timers   map[string]*timer
	stopping bool

	// While draining: the children still to stop, last spawned first, and the one stopping.
	drainQueue []string
	draining   *actor.PID
	drainTimer timer
}

// respawnChild asks a supervisor to spawn one of its children again.
type respawnChild struct{ name string }

// drainChildren asks a supervisor to stop for good, gracefully: its children one at a time,
// the last spawned first, each once it has handled the messages already in its mailbox (a
// child that takes longer than drainTimeout is stopped at once), then itself. Stopping a parent
// outright would stop every child at once and drop what waits in their mailboxes.
type drainChildren struct{}

// drainOverdue stops a child that did not finish draining in time.
type drainOverdue struct{ pid *actor.PID }

// NewSupervisor returns the producer of a supervisor of specs.
func NewSupervisor(kit *Kit, log *logrus.Entry, specs ...ChildSpec) actor.Producer {
	return func() actor.Actor {
		return &Supervisor{kit: kit, log: log, specs: specs}
	}
}

// SpawnSupervisor spawns a supervisor of specs under parent.
func SpawnSupervisor(kit *Kit, parent actor.SpawnerContext, name string, log *logrus.Entry, specs ...ChildSpec) (*actor.PID, error) {
	return kit.Spawn(parent, name, NewSupervisor(kit, log, specs...), actor.WithSupervisor(SupervisorStrategy()))
}

// Receive implements actor.Actor.
func (s *Supervisor) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		s.children = map[string]*actor.PID{}
		s.names = map[string]string{}
		s.spawned = map[string]time.Time{}
		s.attempts = map[string]int{}
		s.timers = map[string]*timer{}
		for _, spec := range s.specs {
			s.spawn(c, spec)
		}
	case *actor.Terminated:
		s.childTerminated(c, m)
	case *drainChildren:
		s.startDrain(c)
	case *drainOverdue:
		if s.draining != nil && s.draining.Equal(m.pid) {
			s.log.Warnf("Actor %s did not stop within %s; stopping it now.", m.pid.Id, drainTimeout)
			c.Stop(m.pid)
		}
	case *respawnChild:
		if s.stopping {
			return
		}
		if spec, ok := s.spec(m.name); ok {
			s.spawn(c, spec)
		}
	case *actor.Restarting, *actor.Stopping:
		s.stopping = true
		s.drainTimer.stop()
		for _, t := range s.timers {
			t.stop()
		}
	}
}

// add makes spec a permanent child of the supervisor and spawns it.
func (s *Supervisor) add(c actor.Context, spec ChildSpec) {
	s.specs = append(s.specs[:len(s.specs):len(s.specs)], spec)
	s.spawn(c, spec)
}

// remove makes the child name no longer permanent: it is not spawned again when it stops. It
// returns the child's PID while it runs.
func (s *Supervisor) remove(name string) (*actor.PID, bool) {
	for i, spec := range s.specs {
		if spec.Name == name {
			s.specs = append(s.specs[:i:i], s.specs[i+1:]...)
			break
		}
	}
	if t, ok := s.timers[name]; ok {
		t.stop()
	}
	pid, ok := s.children[name]
	return pid, ok
}

func (s *Supervisor) startDrain(c actor.Context) {
	if s.stopping {
		return
	}
	s.stopping = true
	for _, t := range s.timers {
		t.stop()
	}
	for i := len(s.specs) - 1; i >= 0; i-- {
		s.drainQueue = append(s.drainQueue, s.specs[i].Name)
	}
	s.drainNext(c)
}

// drainNext stops the next child, or the supervisor once none is left.
func (s *Supervisor) drainNext(c actor.Context) {
	s.drainTimer.stop()
	s.draining = nil
	for len(s.drainQueue) > 0 {
		name := s.drainQueue[0]
		s.drainQueue = s.drainQueue[1:]
		if pid, ok := s.children[name]; ok {
			s.draining = pid
			c.Poison(pid)
			s.drainTimer.after(s.kit, drainTimeout, c.Self(), &drainOverdue{pid: pid})
			return
		}
	}
	c.Stop(c.Self())
}

func (s *Supervisor) spec(name string) (ChildSpec, bool) {
	for _, spec := range s.specs {
		if spec.Name == name {
			return spec, true
		}
	}
	return ChildSpec{}, false
}

func (s *Supervisor) spawn(c actor.Context, spec ChildSpec) {
	pid, err := s.kit.Spawn(c, spec.Name, spec.Producer, spec.Options...)
	if err != nil {
		// The name is still held by a child that is on its way out; try again shortly.
		s.log.WithError(err).Debugf("Could not spawn %s yet.", spec.Name)
		s.schedule(c, spec.Name)
		return
	}
	// No Watch: the parent is told of a child's end anyway, and a second Terminated could be
	// taken for the end of the next child spawned under the same name.
	s.children[spec.Name] = pid
	s.names[pid.Id] = spec.Name
	s.spawned[spec.Name] = s.kit.Now()
}

func (s *Supervisor) childTerminated(c actor.Context, m *actor.Terminated) {
	name, ok := s.names[m.Who.Id]
	if !ok {
		return
	}
	delete(s.names, m.Who.Id)
	delete(s.children, name)
	if s.draining != nil && s.draining.Equal(m.Who) {
		s.drainNext(c)
		return
	}
	if _, permanent := s.spec(name); s.stopping || !permanent {
		return
	}
	if s.kit.Now().Sub(s.spawned[name]) > stableAfter {
		s.attempts[name] = 0
	}
	s.kit.Registry.NoteFailure(m.Who.Id, "stopped", true)
	s.log.Warnf("Actor %s stopped; starting it again.", m.Who.Id)
	s.schedule(c, name)
}

func (s *Supervisor) schedule(c actor.Context, name string) {
	n := s.attempts[name]
	s.attempts[name] = n + 1
	delay := backoffBase << min(n, 16)
	if delay > backoffCap || delay <= 0 {
		delay = backoffCap
	}
	t, ok := s.timers[name]
	if !ok {
		t = &timer{}
		s.timers[name] = t
	}
	t.after(s.kit, delay, c.Self(), &respawnChild{name: name})
}
