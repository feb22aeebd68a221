package actors

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// roleStopTimeout bounds a StopRole: past it the role subtree is stopped at once, whatever its
// actors were still doing.
const roleStopTimeout = 30 * time.Second

// nodeRoot is the root of a node's tree (node): a Supervisor of the actors every node has
// (membership, stats, local) and of one role subtree (node/master or node/worker), which it
// starts and stops as a unit on StartRole and StopRole. It keeps the node's Directory in step:
// the role's addresses are published before its subtree starts, and withdrawn before it stops.
type nodeRoot struct {
	sup      *Supervisor
	kit      *Kit
	settings Settings
	log      *logrus.Entry
	state    *rootState

	roleAt    int          // where the role subtree goes among the children: after the services
	draining  *actor.PID   // the role subtree being stopped
	waiters   []*actor.PID // StopRole requests answered when it has
	drainTime timer
}

// rootState is what a restart of the root must not forget: the role the node runs now, which
// is not necessarily the configured one, and the cluster socket of the master role.
type rootState struct {
	role     Role
	cluster  *Socket
	masterIP string

	// stopped is closed once the root, and so every actor of the tree, has stopped.
	stopped     chan struct{}
	stoppedOnce sync.Once
}

// roleStopOverdue ends a StopRole that took longer than roleStopTimeout.
type roleStopOverdue struct{ pid *actor.PID }

// roleChanged tells the membership actor that the role subtree changed (Directory has it).
type roleChanged struct{}

func newRootState(role Role, cluster *Socket) *rootState {
	return &rootState{role: role, cluster: cluster, stopped: make(chan struct{})}
}

func newNodeRoot(kit *Kit, s Settings, log *logrus.Entry, state *rootState, socks Sockets) actor.Producer {
	// Started puts the role subtree after the services it calls (the framework's process), so
	// that they start before it and stop after it.
	var services []ChildSpec
	if s.Services.Framework != nil {
		services = append(services, ChildSpec{Name: NameFramework, Producer: NewFramework(kit, s.Services.Framework, FrameworkOptions{})})
	}
	common := []ChildSpec{
		{Name: NameLocal, Producer: NewLocalServer(kit, s, socks.Local)},
		{Name: NameMembership, Producer: NewMembership(kit, s)},
		{Name: NameStats, Producer: NewControlServer(kit, s, socks.Control)},
	}
	return func() actor.Actor {
		specs := append(append([]ChildSpec{}, services...), common...)
		return &nodeRoot{sup: &Supervisor{kit: kit, log: log, specs: specs}, kit: kit, settings: s, log: log, state: state,
			roleAt: len(services)}
	}
}

// Receive implements actor.Actor.
func (r *nodeRoot) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// The role subtree starts first (after the services its actors call) and, the
		// children of the root stopping in reverse order at shutdown, stops last (before them).
		if spec, err := roleSpec(r.kit, r.settings, r.state.role, r.state.cluster, r.state.masterIP); err == nil {
			r.sup.specs = append(r.sup.specs[:r.roleAt:r.roleAt], append([]ChildSpec{spec}, r.sup.specs[r.roleAt:]...)...)
			r.kit.Directory.set(r.kit.System, r.state.role)
		} else {
			r.state.role = RoleNone
			r.kit.Directory.set(r.kit.System, RoleNone)
		}
		r.sup.Receive(c)
	case *StartRole:
		c.Respond(&RoleReply{Err: r.startRole(c, m)})
	case *StopRole:
		r.stopRole(c)
	case *actor.Terminated:
		r.sup.Receive(c)
		if r.draining != nil && r.draining.Equal(m.Who) {
			r.roleStopped(c)
		}
	case *roleStopOverdue:
		if r.draining != nil && r.draining.Equal(m.pid) {
			r.log.Warnf("The %s role did not stop within %s; stopping it now.", m.pid.Id, roleStopTimeout)
			c.Stop(m.pid)
		}
	case *actor.Restarting, *actor.Stopping:
		r.drainTime.stop()
		r.sup.Receive(c)
	case *actor.Stopped:
		// Every child has terminated before the root gets Stopped.
		r.state.stoppedOnce.Do(func() { close(r.state.stopped) })
	default:
		r.sup.Receive(c)
	}
}

func (r *nodeRoot) startRole(c actor.Context, m *StartRole) error {
	if r.state.role != RoleNone || r.draining != nil {
		return ErrRoleRunning
	}
	spec, err := roleSpec(r.kit, r.settings, m.Role, m.Cluster, m.MasterIP)
	if err == nil {
		_, err = r.settings.clusterCipher()
	}
	if err != nil {
		return err
	}
	r.log.Infof("Starting the %s role.", m.Role)
	r.state.role, r.state.cluster, r.state.masterIP = m.Role, m.Cluster, m.MasterIP
	r.kit.Directory.set(r.kit.System, m.Role)
	r.sup.add(c, spec)
	r.tellMembership(c)
	return nil
}

func (r *nodeRoot) stopRole(c actor.Context) {
	if c.Sender() != nil {
		r.waiters = append(r.waiters, c.Sender())
	}
	if r.draining != nil {
		return // answered with the StopRole already running
	}
	role := r.state.role
	if role == RoleNone {
		r.roleStopped(c)
		return
	}
	r.log.Infof("Stopping the %s role.", role)
	r.state.role = RoleNone
	r.kit.Directory.set(r.kit.System, RoleNone)
	r.tellMembership(c)
	pid, running := r.sup.remove(string(role))
	if !running {
		r.roleStopped(c) // it was between a failure and its re-spawn
		return
	}
	r.draining = pid
	c.Send(pid, &drainChildren{})
	r.drainTime.after(r.kit, roleStopTimeout, c.Self(), &roleStopOverdue{pid: pid})
}

func (r *nodeRoot) roleStopped(c actor.Context) {
	if r.draining != nil {
		r.log.Infof("The %s role has stopped.", r.draining.Id)
	}
	r.draining = nil
	r.drainTime.stop()
	for _, w := range r.waiters {
		c.Send(w, &RoleReply{})
	}
	r.waiters = nil
}

// tellMembership tells the membership actor that the role changed. One that is between a
// failure and its re-spawn reads the Directory when it starts.
func (r *nodeRoot) tellMembership(c actor.Context) {
	if pid, ok := r.sup.children[NameMembership]; ok {
		c.Send(pid, &roleChanged{})
	}
}
