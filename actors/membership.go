package actors

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// MemberEvent is what memberlist says about another node: up (joined or updated) or gone
// (failed or left). memberlist only says who is alive; every byte of data goes over the Wazuh
// TCP protocol.
type MemberEvent struct {
	Name     string
	Type     string // master or worker, from the node's gossip metadata
	Up       bool
	Left     bool // gone after announcing it was leaving, rather than failed
	Clusterd bool // the node is a clusterd node (a Wazuh node has no memberlist at all)
}

// IsClusterdPeer asks the membership actor whether a node is known to run clusterd; it answers
// *IsClusterdPeerReply.
type IsClusterdPeer struct{ Name string }

// IsClusterdPeerReply answers IsClusterdPeer.
type IsClusterdPeerReply struct {
	Name     string
	Clusterd bool
}

// Membership turns memberlist events into actor messages: on the master, a worker reported
// gone has its connection closed at once (instead of after two missed keepalives); on a
// worker, the master's departure closes the connection and its return triggers an immediate
// reconnect. A worker whose gossip has lost the master keeps asking to join it again, because
// a restarted master knows nobody.
type Membership struct {
	kit      *Kit
	settings Settings
	notify   *actor.PID // peers on the master, the worker handler on a worker
	log      *logrus.Entry

	members map[string]*MemberEvent
	rejoin  timer
	joining bool
	work    *offload
}

type rejoinTick struct{}
type joinDone struct{ err error }

// NewMembership returns the producer of the membership actor.
func NewMembership(kit *Kit, settings Settings, notify *actor.PID) actor.Producer {
	return func() actor.Actor {
		tag := "Master"
		if !settings.IsMaster() {
			tag = "Worker " + settings.NodeName
		}
		return &Membership{kit: kit, settings: settings, notify: notify, log: kit.Logger(tag, "Membership")}
	}
}

// Receive implements actor.Actor.
func (m *Membership) Receive(c actor.Context) {
	switch msg := c.Message().(type) {
	case *actor.Started:
		m.members = map[string]*MemberEvent{}
		m.work = newOffload(m.kit)
		if !m.settings.IsMaster() && m.settings.Join != nil {
			c.Send(c.Self(), &rejoinTick{})
		}
	case *MemberEvent:
		m.event(c, msg)
	case *IsClusterdPeer:
		e, ok := m.members[msg.Name]
		c.Respond(&IsClusterdPeerReply{Name: msg.Name, Clusterd: ok && e.Up && e.Clusterd})
	case *rejoinTick:
		m.maybeRejoin(c)
	case *joinDone:
		m.joining = false
		if msg.err != nil {
			m.log.WithError(msg.err).Debug("Could not join the master's gossip yet.")
		}
		m.rejoin.after(m.kit, m.rejoinInterval(), c.Self(), &rejoinTick{})
	case *actor.Restarting, *actor.Stopping:
		m.rejoin.stop()
		m.work.stop()
	}
}

func (m *Membership) event(c actor.Context, e *MemberEvent) {
	prev, known := m.members[e.Name]
	m.members[e.Name] = e
	if known && prev.Up == e.Up {
		return
	}
	switch {
	case e.Up:
		m.log.Debugf("Node %s (%s) is alive.", e.Name, e.Type)
	case e.Left:
		m.log.Infof("Node %s left the cluster.", e.Name)
	default:
		m.log.Warnf("Node %s stopped answering.", e.Name)
	}
	c.Send(m.notify, e)
}

func (m *Membership) masterAlive() bool {
	for _, e := range m.members {
		if e.Type == TypeMaster && e.Up {
			return true
		}
	}
	return false
}

func (m *Membership) maybeRejoin(c actor.Context) {
	if m.masterAlive() || m.joining {
		m.rejoin.after(m.kit, m.rejoinInterval(), c.Self(), &rejoinTick{})
		return
	}
	m.joining = true
	join := m.settings.Join
	m.work.Run(c, m.settings.DialTimeout, func(ctx context.Context) any { return &joinDone{err: join(ctx)} })
}

// rejoinInterval is how often a worker that lost the master asks to join again: often enough
// that it is back well within one connection_retry of the master's return.
func (m *Membership) rejoinInterval() time.Duration {
	return max(m.settings.ConnectionRetry/4, 100*time.Millisecond)
}
