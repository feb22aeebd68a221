package actors

import (
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Role is what a node does in the cluster. The actors only one role needs live in one subtree
// named after it (node/master, node/worker), which the node's root starts and stops as a unit
// (StartRole, StopRole); membership, stats and the local socket live beside it and keep serving
// across a change of role.
type Role string

// Roles.
const (
	RoleNone   Role = ""
	RoleMaster Role = TypeMaster
	RoleWorker Role = TypeWorker
)

// ErrRoleRunning refuses a StartRole while a role subtree runs or is stopping.
var ErrRoleRunning = errors.New("a role already runs on this node")

// StartRole asks the node's root to start the subtree of Role; it answers *RoleReply. The
// master role accepts workers on Cluster, a socket the caller bound. MasterIP, when set,
// replaces Settings.NodeIP for this run of the role: the address a worker connects to (a
// standby master follows the acting one), or the address the master reports as its own.
type StartRole struct {
	Role     Role
	Cluster  *Socket
	MasterIP string
}

// StopRole asks the node's root to stop the role subtree, its actors one at a time (the last
// started first), each after the messages already in its mailbox; it answers *RoleReply once
// every actor of the subtree has stopped.
type StopRole struct{}

// RoleReply answers StartRole and StopRole.
type RoleReply struct{ Err error }

// MasterRole is the address book of the master subtree (node/master/...). Its actors get it,
// or the addresses they need from it, when they are spawned; actors outside the subtree read
// it from the Directory.
type MasterRole struct {
	Supervisor     *actor.PID
	Peers          *actor.PID // the per-worker handlers are its children
	Listener       *actor.PID
	KeepaliveCheck *actor.PID
	LocalIntegrity *actor.PID
	GroupsSend     *actor.PID
	LocalGroups    *actor.PID
	Sendsync       *actor.PID // the queue of worker requests for the master's daemons
	DAPI           *actor.PID // the queue of Distributed API requests (local clients and workers)
}

// WorkerRole is the address book of the worker subtree (node/worker/...).
type WorkerRole struct {
	Supervisor    *actor.PID
	Master        *actor.PID // the WorkerHandler: the connection to the master
	Keepalive     *actor.PID
	IntegritySync *actor.PID
	Sendsync      *actor.PID // forwards local requests for master daemons
	AgentGroups   *actor.PID
	Keys          *actor.PID
	AgentInfo     *actor.PID
	DAPI          *actor.PID // runs the DAPI requests the master forwards
}

// Addresses are paths, so they stay right across restarts and re-spawns of the actors.
func masterRole(system *actor.ActorSystem) *MasterRole {
	pid := func(name string) *actor.PID { return system.NewLocalPID(RolePath(RoleMaster, name)) }
	return &MasterRole{
		Supervisor: system.NewLocalPID(RoleSupervisorPath(RoleMaster)),
		Peers:      pid(NamePeers), Listener: pid(NameListener), KeepaliveCheck: pid(NameKeepaliveCheck),
		LocalIntegrity: pid(NameLocalIntegrity), GroupsSend: pid(NameGroupsSend), LocalGroups: pid(NameLocalGroups),
		Sendsync: pid(NameSendsync), DAPI: pid(NameDAPI),
	}
}

func workerRole(system *actor.ActorSystem) *WorkerRole {
	pid := func(name string) *actor.PID { return system.NewLocalPID(RolePath(RoleWorker, name)) }
	return &WorkerRole{
		Supervisor: system.NewLocalPID(RoleSupervisorPath(RoleWorker)),
		Master:     pid(NameMaster), Keepalive: pid(NameKeepalive), IntegritySync: pid(NameIntegritySync),
		Sendsync: pid(NameSendsync), AgentGroups: pid(NameAgentGroups), Keys: pid(NameKeys), AgentInfo: pid(NameAgentInfo),
		DAPI: pid(NameDAPI),
	}
}

// roleSpec is the role subtree of one node: a supervisor named after the role, holding the
// actors of that role in the order they start (and, reversed, stop). s is the node's settings;
// the role's actors see it with NodeType set to the role.
func roleSpec(kit *Kit, s Settings, role Role, cluster *Socket, masterIP string) (ChildSpec, error) {
	s.NodeType = string(role)
	if masterIP != "" {
		// One address given: the worker follows it, never the others of <nodes>. A standby
		// master dials it again within a second: the acting master binds its port only once
		// it acts, a moment after the standbys learnt of its election.
		s.NodeIP, s.MasterIPs = masterIP, nil
		if role == RoleWorker {
			s.ConnectionRetry = min(s.ConnectionRetry, time.Second)
		}
	}
	var specs []ChildSpec
	switch role {
	case RoleMaster:
		if cluster == nil {
			return ChildSpec{}, fmt.Errorf("the master role needs a cluster socket")
		}
		a := masterRole(kit.System)
		specs = []ChildSpec{
			{Name: NamePeers, Producer: NewPeers(kit, s, a), Options: []actor.PropsOption{actor.WithSupervisor(SupervisorStrategy())}},
			{Name: NameListener, Producer: NewListener(kit, s, cluster, a.Peers)},
			{Name: NameKeepaliveCheck, Producer: NewKeepaliveCheck(kit, s, a.Peers)},
			{Name: NameLocalIntegrity, Producer: NewLocalIntegrity(kit, s, a.Peers)},
			{Name: NameGroupsSend, Producer: NewGroupsSend(kit, s, a.Peers, a.LocalGroups)},
			{Name: NameLocalGroups, Producer: NewLocalGroups(kit, s, a.GroupsSend, a.LocalIntegrity)},
			{Name: NameSendsync, Producer: NewSendsyncQueue(kit, s)},
			{Name: NameDAPI, Producer: NewDAPIQueue(kit, s, a.Peers)},
		}
	case RoleWorker:
		a := workerRole(kit.System)
		specs = []ChildSpec{
			{Name: NameMaster, Producer: NewWorkerHandler(kit, s, a)},
			{Name: NameKeepalive, Producer: NewKeepalive(kit, s, a.Master)},
			{Name: NameIntegritySync, Producer: NewIntegritySync(kit, s, a.Master)},
			{Name: NameSendsync, Producer: NewSendsyncForwarder(kit, s, a.Master)},
			{Name: NameAgentGroups, Producer: NewAgentGroupsRecv(kit, s, a.Master)},
			{Name: NameKeys, Producer: NewKeysWatch(kit, s)},
			{Name: NameAgentInfo, Producer: NewAgentInfo(kit, s, a.Master)},
			{Name: NameDAPI, Producer: NewDAPIQueue(kit, s, nil)},
		}
	default:
		return ChildSpec{}, fmt.Errorf("unknown role %q", role)
	}
	log := kit.Logger(roleTag(s), "Main")
	return ChildSpec{Name: string(role), Producer: NewSupervisor(kit, log, specs...),
		Options: []actor.PropsOption{actor.WithSupervisor(SupervisorStrategy())}}, nil
}

// roleTag is the tag of a node's log lines, Wazuh's: "Master" or "Worker <name>".
func roleTag(s Settings) string {
	if s.IsMaster() {
		return "Master"
	}
	return "Worker " + s.NodeName
}
