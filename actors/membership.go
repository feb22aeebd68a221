package actors

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
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

// Membership turns memberlist events into actor messages for the role the node runs: on the
// master, a worker reported gone has its connection probed at once (instead of waiting for
// missed keepalives); on a worker, the master's departure has its connection probed and its
// return triggers an immediate reconnect. A worker whose gossip has lost the master keeps
// asking to join it again, because a restarted master knows nobody. When the role changes,
// the new role's actors are told who is up.
type Membership struct {
	kit      *Kit
	settings Settings
	log      *logrus.Entry

	role    Role // the role whose actors were told about the members
	members map[string]*MemberEvent
	rejoin  timer
	joining bool
	work    *offload
}

type rejoinTick struct{}
type joinDone struct{ err error }

// NewMembership returns the producer of the membership actor.
func NewMembership(kit *Kit, settings Settings) actor.Producer {
	return func() actor.Actor {
		tag := "Master"
		if !settings.IsMaster() {
			tag = "Worker " + settings.NodeName
		}
		return &Membership{kit: kit, settings: settings, log: kit.Logger(tag, "Membership")}
	}
}

// Receive implements actor.Actor.
func (m *Membership) Receive(c actor.Context) {
	switch msg := c.Message().(type) {
	case *actor.Started:
		m.members = map[string]*MemberEvent{}
		m.work = newOffload(m.kit)
		m.role = m.kit.Directory.Role()
		if m.role == RoleWorker && m.settings.Join != nil {
			c.Send(c.Self(), &rejoinTick{})
		}
	case *roleChanged:
		m.roleChanged(c)
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
		if m.role == RoleWorker {
			m.rejoin.after(m.kit, m.rejoinInterval(), c.Self(), &rejoinTick{})
		}
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
		m.log.Debugf("Node %s (%s) is alive.", messages.ClipForLog(e.Name), messages.ClipForLog(e.Type))
	case e.Left:
		m.log.Infof("Node %s left the cluster.", messages.ClipForLog(e.Name))
	default:
		m.log.Warnf("Node %s stopped answering.", messages.ClipForLog(e.Name))
	}
	if to := m.notify(); to != nil {
		c.Send(to, e)
	}
}

// notify is the actor of the running role that acts on memberlist's word: the master's peers
// supervisor, or the worker's handler; nil while no role runs.
func (m *Membership) notify() *actor.PID {
	if master := m.kit.Directory.Master(); master != nil {
		return master.Peers
	}
	if worker := m.kit.Directory.Worker(); worker != nil {
		return worker.Master
	}
	return nil
}

// roleChanged tells the actors of a role that just started which nodes are up (they missed
// the events), and starts or stops the worker's attempts to rejoin the master's gossip.
func (m *Membership) roleChanged(c actor.Context) {
	role := m.kit.Directory.Role()
	if role == m.role {
		return
	}
	m.role = role
	m.rejoin.stop()
	if role == RoleWorker && m.settings.Join != nil && !m.joining {
		c.Send(c.Self(), &rejoinTick{})
	}
	if to := m.notify(); to != nil {
		for _, e := range m.members {
			if e.Up {
				c.Send(to, e)
			}
		}
	}
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
	if m.role != RoleWorker {
		return
	}
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
