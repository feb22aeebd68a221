package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Names of the actors of the tree. An actor's path ("node/master/peers/worker1") is its
// identity in logs, introspection, metrics and chaos tests, so these never change.
const (
	RootName           = "node"
	NameMembership     = "membership"
	NameStats          = "stats"
	NameLocal          = "local"
	NameListener       = "listener"
	NamePeers          = "peers"
	NameKeepaliveCheck = "keepalive-check"
	NameMaster         = "master"
	NameKeepalive      = "keepalive"
	NameLocalIntegrity = "local-integrity"
	NameIntegritySync  = "integrity-sync"
	NameLocalGroups    = "local-groups"
	NameGroupsSend     = "groups-send"
	NameSendsync       = "sendsync"
	NameAgentGroups    = "agent-groups"
	NameKeys           = "keys"
	NameAgentInfo      = "agent-info"
	NameFramework      = "framework"
	NameDAPI           = "dapi"
)

// roleOf names the role subtree of the actors only one role has. Sendsync and DAPI, which both
// roles have, are not here: RolePath names them.
var roleOf = map[string]Role{
	NameListener: RoleMaster, NamePeers: RoleMaster, NameKeepaliveCheck: RoleMaster,
	NameLocalIntegrity: RoleMaster, NameLocalGroups: RoleMaster, NameGroupsSend: RoleMaster,
	NameMaster: RoleWorker, NameKeepalive: RoleWorker, NameIntegritySync: RoleWorker,
	NameAgentGroups: RoleWorker, NameKeys: RoleWorker, NameAgentInfo: RoleWorker,
}

// Path returns the path of the actor named name: a child of the root (membership, stats,
// local), or of the role subtree that has it ("node/master/peers", "node/worker/master").
func Path(name string) string {
	if role, ok := roleOf[name]; ok {
		return RolePath(role, name)
	}
	return RootName + "/" + name
}

// RolePath returns the path of the actor named name in role's subtree.
func RolePath(role Role, name string) string { return RoleSupervisorPath(role) + "/" + name }

// RoleSupervisorPath returns the path of role's subtree ("node/master").
func RoleSupervisorPath(role Role) string { return RootName + "/" + string(role) }

// Sockets are the listening sockets the node bound before starting the tree.
type Sockets struct {
	Cluster *Socket // master only: the cluster port
	Local   *Socket // c-internal.sock
	Control *Socket // actorctl.sock
}

// Tree is a running supervisor tree.
type Tree struct {
	kit        *Kit
	Root       *actor.PID
	Membership *actor.PID
	stopped    <-chan struct{} // closed once the root has stopped
}

// SpawnTree starts the supervisor tree of one node (see docs/design.md) under a root spawned
// with a guardian, so that a failing child of the root is restarted like any other. The role
// subtree of s.NodeType starts with it. A cluster key that makes no cipher fails it.
func SpawnTree(kit *Kit, s Settings, socks Sockets) (*Tree, error) {
	if _, err := s.clusterCipher(); err != nil {
		return nil, err
	}
	role := Role(s.NodeType)
	if s.NoInitialRole {
		role = RoleNone
	} else if _, err := roleSpec(kit, s, role, socks.Cluster, ""); err != nil {
		return nil, err
	}
	log := kit.Logger(roleTag(s), "Main")
	state := newRootState(role, socks.Cluster)
	props := kit.Props(newNodeRoot(kit, s, log, state, socks),
		actor.WithGuardian(SupervisorStrategy()), actor.WithSupervisor(SupervisorStrategy()))
	root, err := kit.System.Root.SpawnNamed(props, RootName)
	if err != nil {
		return nil, fmt.Errorf("spawn the root actor: %w", err)
	}
	return &Tree{kit: kit, Root: root, Membership: kit.System.NewLocalPID(Path(NameMembership)), stopped: state.stopped}, nil
}

// Notify hands a memberlist event to the membership actor; it never blocks.
func (t *Tree) Notify(e *MemberEvent) { t.kit.System.Root.Send(t.Membership, e) }

// StartRole starts role's subtree; the master role accepts workers on cluster.
func (t *Tree) StartRole(role Role, cluster *Socket, timeout time.Duration) error {
	return t.askRoot(&StartRole{Role: role, Cluster: cluster}, timeout)
}

// Switch starts the role m names, with its socket and master address (a replicated master's
// change of role).
func (t *Tree) Switch(m StartRole, timeout time.Duration) error { return t.askRoot(&m, timeout) }

// StopRole stops the role subtree and returns once all its actors have stopped.
func (t *Tree) StopRole(timeout time.Duration) error { return t.askRoot(&StopRole{}, timeout) }

func (t *Tree) askRoot(msg any, timeout time.Duration) error {
	res, err := t.kit.System.Root.RequestFuture(t.Root, msg, timeout).Result()
	if err != nil {
		return fmt.Errorf("%T: %w", msg, err)
	}
	reply, ok := res.(*RoleReply)
	if !ok {
		return fmt.Errorf("%T: unexpected answer %T", msg, res)
	}
	return reply.Err
}

// Stop stops the whole tree: children are stopped before their parents, every connection is
// closed, and Stop returns once the actors and their goroutines have ended, or with an error
// naming what still runs once timeout has passed. The caller must then not release what those
// actors use (the store, the replication): they may still be using it.
func (t *Tree) Stop(timeout time.Duration) error {
	end := time.Now().Add(timeout)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	t.kit.System.Root.Stop(t.Root)
	select {
	case <-t.stopped:
	case <-deadline.C:
		return fmt.Errorf("stop the actor tree: %w after %s; still running: %s", ErrStopTimeout, timeout, liveActors(t.kit.Registry, 20))
	}
	if !t.kit.Wait(time.Until(end)) {
		return fmt.Errorf("stop the actor tree: %w after %s; %d goroutines or connections of the actors still open",
			ErrStopTimeout, timeout, t.kit.Running())
	}
	return nil
}
