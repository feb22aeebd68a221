package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// Peers supervises the master's per-worker handlers. It admits workers (the hello checks that
// need the list of connected workers), keeps each worker's last reported status so that node
// and health queries are answered without asking every handler, and fans out what concerns all
// of them (keepalive checks, memberlist verdicts).
type Peers struct {
	kit      *Kit
	settings Settings
	role     *MasterRole // the master subtree Peers is part of
	log      *logrus.Entry

	order    []string // worker names in connection order, as get_nodes lists them
	workers  map[string]*peerEntry
	byPID    map[string]string
	clusterd map[string]bool // workers memberlist reports as clusterd nodes
	files    *IntegrityUpdated
	// replacing holds the hello of a worker whose name is still connected from the same
	// address, while the old connection is probed: a worker that reconnects replaces its own
	// stale session, a true duplicate is refused (3028).
	replacing map[string]*pendingHello

	activeAgents map[string]int // active agents by node, for the health report
	counting     bool
	countTimer   timer
	work         *offload
}

type peerEntry struct {
	info   messages.NodeInfo
	pid    *actor.PID
	status messages.WorkerStatus
}

// pendingHello is a hello waiting for the verdict on the connection it would replace.
type pendingHello struct {
	hello  *registerWorker
	sender *actor.PID
}

// workerStatus is a handler's report of its worker's current health status.
type workerStatus struct {
	name   string
	status messages.WorkerStatus
}

// checkKeepalives asks every handler to drop its worker if it has been silent too long.
type checkKeepalives struct {
	now    time.Time
	maxAge time.Duration
}

// NodesQuery asks for the nodes of the cluster and their health, as the master knows them.
type NodesQuery struct{ Tag any }

// NodesSnapshot answers a NodesQuery: the master first, then the workers in connection order.
type NodesSnapshot struct {
	Tag    any
	Nodes  []messages.NodeInfo
	Health map[string]messages.NodeHealth
}

// NewPeers returns the producer of the master's peers supervisor; role is the master subtree
// it belongs to.
func NewPeers(kit *Kit, settings Settings, role *MasterRole) actor.Producer {
	return func() actor.Actor {
		return &Peers{kit: kit, settings: settings, role: role, log: kit.Logger("Master", "Main")}
	}
}

// Receive implements actor.Actor.
func (p *Peers) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		p.workers = map[string]*peerEntry{}
		p.byPID = map[string]string{}
		p.clusterd = map[string]bool{}
		p.replacing = map[string]*pendingHello{}
		p.work = newOffload(p.kit)
		p.startAgentCount(c)
	case *countActiveAgents:
		p.startAgentCount(c)
	case *activeAgentsCounted:
		p.agentsCounted(c, m)
	case *actor.Restarting, *actor.Stopping:
		p.countTimer.stop()
		p.work.stop()
		// Handlers of a previous incarnation were stopped with it; their workers reconnect.
	case *registerWorker:
		if res := p.register(c, m); res != nil {
			c.Respond(res)
		}
	case *actor.Terminated:
		if name, ok := p.forget(m.Who); ok {
			p.replaceDone(c, name)
		}
	case *probeVerdict:
		if pending := p.replacing[m.name]; pending != nil && m.alive {
			delete(p.replacing, m.name)
			c.Send(pending.sender, &registerResult{err: messages.ErrDuplicateWorkerName.With(m.name)})
		}
	case *workerStatus:
		if e, ok := p.workers[m.name]; ok {
			e.status = m.status
		}
	case *NodesQuery:
		c.Respond(p.snapshot(m.Tag))
	case *ForwardDapi:
		p.forwardDapi(c, m)
	case *CancelDapiForward:
		p.cancelDapiForward(c, m)
	case *workersQuery:
		list := &workersList{workers: map[string]*actor.PID{}}
		for name, e := range p.workers {
			list.workers[name] = e.pid
		}
		c.Respond(list)
	case *checkKeepalives:
		for _, e := range p.workers {
			c.Send(e.pid, m)
		}
	case *MemberEvent:
		wasClusterd := p.clusterd[m.Name]
		p.clusterd[m.Name] = m.Up && m.Clusterd
		if e, ok := p.workers[m.Name]; ok && m.Up && m.Clusterd {
			c.Send(p.role.GroupsSend, &workerJoined{name: m.Name, pid: e.pid, clusterd: true})
			if !wasClusterd && p.files != nil {
				// Files may have changed between the worker's hello and memberlist telling
				// that it runs clusterd; those pushes went nowhere, so push once now.
				c.Send(e.pid, &pushIntegrityCheck{})
			}
		}
		if e, ok := p.workers[m.Name]; ok && !m.Up {
			// Gossip alone does not end a connection that still answers (liveness_probe.go).
			c.Send(e.pid, &probeLink{reason: "memberlist reports the node as gone"})
		}
	case *IntegrityUpdated:
		p.files = m
		if m.Changed {
			c.Send(p.role.LocalGroups, m)
		}
		for name, e := range p.workers {
			c.Send(e.pid, m)
			if m.Changed && p.clusterd[name] {
				c.Send(e.pid, &pushIntegrityCheck{})
			}
		}
	}
}

// register admits a worker, or refuses it. It returns nil when the answer is deferred: the name
// is connected from the same address, and the old connection is probed first.
func (p *Peers) register(c actor.Context, m *registerWorker) *registerResult {
	h := m.hello
	switch old := p.workers[h.Name]; {
	case old != nil && (old.info.IP != m.link.remoteIP || p.replacing[h.Name] != nil ||
		h.Cluster != p.settings.ClusterName || h.Version != p.settings.Version):
		// Only a hello that would be admitted may displace a connection; any other is a
		// duplicate, reported before the other checks as Wazuh does.
		return &registerResult{err: messages.ErrDuplicateWorkerName.With(h.Name)}
	case old != nil:
		p.log.Infof("%s connects again from %s while its previous connection is open; checking that one.", h.Name, m.link.remoteIP)
		p.replacing[h.Name] = &pendingHello{hello: m, sender: c.Sender()}
		c.Send(old.pid, &probeLink{reason: "the worker connects again", replyTo: c.Self(), name: h.Name})
		return nil
	case h.Name == p.settings.NodeName:
		return &registerResult{err: messages.ErrWorkerNamedAsMaster.New()}
	case h.Cluster != p.settings.ClusterName:
		return &registerResult{err: messages.ErrClusterNameMismatch.New()}
	case h.Version != p.settings.Version:
		return &registerResult{err: messages.ErrVersionMismatch.New()}
	case h.NodeType != TypeWorker:
		// Wazuh takes any type and lists the node with it; only a worker has a place here. Last,
		// so that every refusal a Wazuh master gives keeps its code.
		return &registerResult{err: messages.ErrCluster.With(
			fmt.Sprintf("node type %s refused: only workers connect to a master", messages.ClipForLog(h.NodeType)))}
	}
	info := messages.NodeInfo{Name: h.Name, Type: h.NodeType, Version: h.Version, IP: m.link.remoteIP}
	pid, err := p.kit.Spawn(c, h.Name, newMasterHandler(p.kit, p.settings, p.role, m.link, info, m.counter))
	if err != nil {
		// The previous handler of this name is still stopping.
		return &registerResult{err: messages.ErrDuplicateWorkerName.With(h.Name)}
	}
	// No Watch: as the parent, Peers gets the handler's Terminated anyway, and a second one
	// would arrive after a replacement handler of the same name (same PID) was admitted.
	if p.files != nil {
		c.Send(pid, p.files)
	}
	p.workers[h.Name] = &peerEntry{info: info, pid: pid, status: messages.NewWorkerStatus()}
	p.byPID[pid.Id] = h.Name
	p.order = append(p.order, h.Name)
	c.Send(p.role.GroupsSend, &workerJoined{name: h.Name, pid: pid, clusterd: p.clusterd[h.Name]})
	return &registerResult{handler: pid}
}

// replaceDone admits the hello that waited for name's previous handler to stop.
func (p *Peers) replaceDone(c actor.Context, name string) {
	pending := p.replacing[name]
	if pending == nil {
		return
	}
	delete(p.replacing, name)
	if pending.hello.link.closed.Load() {
		return // the new connection went away meanwhile
	}
	p.log.Infof("Previous connection of %s closed; accepting the new one.", name)
	if res := p.register(c, pending.hello); res != nil {
		c.Send(pending.sender, res)
	}
}

func (p *Peers) forget(pid *actor.PID) (string, bool) {
	name, ok := p.byPID[pid.Id]
	if !ok {
		return "", false
	}
	delete(p.byPID, pid.Id)
	delete(p.workers, name)
	p.kit.System.Root.Send(p.role.GroupsSend, &workerLeft{name: name})
	for i, n := range p.order {
		if n == name {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
	return name, true
}

func (p *Peers) snapshot(tag any) *NodesSnapshot {
	s := p.settings
	master := messages.NodeInfo{Name: s.NodeName, Type: TypeMaster, Version: s.Version, IP: s.NodeIP}
	out := &NodesSnapshot{Tag: tag, Nodes: []messages.NodeInfo{master}, Health: map[string]messages.NodeHealth{}}
	masterInfo := healthInfo(master)
	masterInfo.NActiveAgents = p.activeAgents[master.Name]
	out.Health[master.Name] = messages.NodeHealth{Info: masterInfo}
	for _, name := range p.order {
		e := p.workers[name]
		out.Nodes = append(out.Nodes, e.info)
		st := e.status
		info := healthInfo(e.info)
		info.NActiveAgents = p.activeAgents[name]
		out.Health[name] = messages.NodeHealth{Info: info, Status: &st}
	}
	return out
}

func healthInfo(n messages.NodeInfo) messages.HealthInfo {
	return messages.HealthInfo{Name: n.Name, Type: n.Type, Version: n.Version, IP: n.IP}
}
