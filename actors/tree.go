package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Names of the actors of the tree. An actor's path ("node/peers/worker1") is its identity in
// logs, introspection and chaos tests, so these never change.
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
)

// Path returns the path of a child of the root.
func Path(name string) string { return RootName + "/" + name }

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
}

// SpawnTree starts the supervisor tree of one node (see docs/design.md) under a root spawned
// with a guardian, so that a failing child of the root is restarted like any other.
func SpawnTree(kit *Kit, s Settings, socks Sockets) (*Tree, error) {
	if _, err := s.clusterCipher(); err != nil {
		return nil, err
	}
	pid := func(name string) *actor.PID { return kit.System.NewLocalPID(Path(name)) }
	var specs []ChildSpec
	var notify *actor.PID
	if s.IsMaster() {
		peers := pid(NamePeers)
		notify = peers
		specs = []ChildSpec{
			{Name: NamePeers, Producer: NewPeers(kit, s), Options: []actor.PropsOption{actor.WithSupervisor(SupervisorStrategy())}},
			{Name: NameListener, Producer: NewListener(kit, s, socks.Cluster, peers)},
			{Name: NameKeepaliveCheck, Producer: NewKeepaliveCheck(kit, s, peers)},
			{Name: NameLocalIntegrity, Producer: NewLocalIntegrity(kit, s, peers)},
			{Name: NameGroupsSend, Producer: NewGroupsSend(kit, s, peers)},
			{Name: NameLocalGroups, Producer: NewLocalGroups(kit, s, pid(NameGroupsSend))},
			{Name: NameSendsync, Producer: NewSendsyncQueue(kit, s)},
			{Name: NameLocal, Producer: NewLocalServer(kit, s, socks.Local, peers, nil)},
		}
	} else {
		master := pid(NameMaster)
		notify = master
		specs = []ChildSpec{
			{Name: NameMaster, Producer: NewWorkerHandler(kit, s)},
			{Name: NameKeepalive, Producer: NewKeepalive(kit, s, master)},
			{Name: NameIntegritySync, Producer: NewIntegritySync(kit, s, master)},
			{Name: NameSendsync, Producer: NewSendsyncForwarder(kit, s, master)},
			{Name: NameAgentGroups, Producer: NewAgentGroupsRecv(kit, s, master)},
			{Name: NameKeys, Producer: NewKeysWatch(kit, s)},
			{Name: NameAgentInfo, Producer: NewAgentInfo(kit, s, master)},
			{Name: NameLocal, Producer: NewLocalServer(kit, s, socks.Local, nil, master)},
		}
	}
	specs = append(specs,
		ChildSpec{Name: NameMembership, Producer: NewMembership(kit, s, notify)},
		ChildSpec{Name: NameStats, Producer: NewControlServer(kit, s, socks.Control)},
	)
	log := kit.Logger(rootTag(s), "Main")
	props := kit.Props(NewSupervisor(kit, log, specs...),
		actor.WithGuardian(SupervisorStrategy()), actor.WithSupervisor(SupervisorStrategy()))
	root, err := kit.System.Root.SpawnNamed(props, RootName)
	if err != nil {
		return nil, fmt.Errorf("spawn the root actor: %w", err)
	}
	return &Tree{kit: kit, Root: root, Membership: pid(NameMembership)}, nil
}

// Notify hands a memberlist event to the membership actor; it never blocks.
func (t *Tree) Notify(e *MemberEvent) { t.kit.System.Root.Send(t.Membership, e) }

// Stop stops the whole tree: children are stopped before their parents, every connection is
// closed, and Stop returns once the actors and their goroutines have ended or timeout passed.
func (t *Tree) Stop(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if err := t.kit.System.Root.StopFuture(t.Root).Wait(); err != nil {
		return fmt.Errorf("stop the actor tree: %w", err)
	}
	if !t.kit.Wait(time.Until(deadline)) {
		return fmt.Errorf("connections still open after %s", timeout)
	}
	return nil
}

func rootTag(s Settings) string {
	if s.IsMaster() {
		return "Master"
	}
	return "Worker " + s.NodeName
}
