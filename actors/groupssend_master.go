package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// GroupsSend is the master's node/master/groups-send: it ships each agent-groups broadcast to every
// connected worker (new_str/str_upd, then syn_g_m_w), and a full copy (syn_g_m_w_c) to a worker
// that asks for it (syn_w_g_c) or, for a clusterd worker, has just connected. Assignments are
// marked delivered only when every worker took the broadcast; otherwise the next cycle sends
// them again (an override is idempotent). It tells local-groups how many workers it has, since
// a cycle with none reads nothing.
type GroupsSend struct {
	kit         *Kit
	settings    Settings
	peers       *actor.PID
	localGroups *actor.PID
	log         *logrus.Entry

	workers map[string]*peerLink
	running bool
	next    *groupsBatch
	work    *offload

	// Full copies: the workers that asked while a read was under way wait for the next one,
	// which serves them all (25 workers joining at once cost two reads of every assignment,
	// not 25 reads and 25 copies in memory).
	fullWaiting map[string]*peerLink
	fullReading bool
}

// fullDone ends one read of the full copy and its sends.
type fullDone struct{}

// peerLink is one connected worker as GroupsSend sees it: its handler, and a context that ends
// with the connection so no send waits on a worker that is gone.
type peerLink struct {
	pid      *actor.PID
	ctx      context.Context
	cancel   context.CancelFunc
	fullSent bool
}

// workerJoined and workerLeft keep GroupsSend's list of connected workers. Clusterd says
// memberlist knows the worker as a clusterd node (it may come after the connection).
type workerJoined struct {
	name     string
	pid      *actor.PID
	clusterd bool
}

type workerLeft struct{ name string }

// workersQuery asks Peers for the connected workers; workersList answers it.
type workersQuery struct{}

type workersList struct{ workers map[string]*actor.PID }

// fullGroupsRequest asks for a full agent-groups copy to one worker.
type fullGroupsRequest struct{ name string }

// broadcastDone ends a broadcast.
type broadcastDone struct{}

// NewGroupsSend returns the producer of the master's groups-send actor: peers lists the
// workers, localGroups is told how many there are.
func NewGroupsSend(kit *Kit, settings Settings, peers, localGroups *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &GroupsSend{kit: kit, settings: settings, peers: peers, localGroups: localGroups,
			log: kit.Logger("Master", "Agent-groups send")}
	}
}

// Receive implements actor.Actor.
func (g *GroupsSend) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		g.workers = map[string]*peerLink{}
		g.fullWaiting = map[string]*peerLink{}
		g.work = newOffload(g.kit)
		c.Request(g.peers, &workersQuery{})
	case *workersList:
		for name, pid := range m.workers {
			g.join(c, &workerJoined{name: name, pid: pid})
		}
		g.tellCount(c)
	case *workerJoined:
		g.join(c, m)
		g.tellCount(c)
	case *workerLeft:
		if w, ok := g.workers[m.name]; ok {
			w.cancel()
			delete(g.workers, m.name)
		}
		g.tellCount(c)
	case *connectedWorkersQuery:
		c.Respond(&connectedWorkers{n: len(g.workers)})
	case *fullGroupsRequest:
		if w, ok := g.workers[m.name]; ok {
			g.sendFull(c, m.name, w)
		}
	case *groupsBatch:
		if g.running {
			g.next = m // the newer read holds everything the older one did
			return
		}
		g.broadcast(c, m)
	case *fullDone:
		g.fullReading = false
		g.startFull(c)
	case *broadcastDone:
		g.running = false
		if n := g.next; n != nil {
			g.next = nil
			g.broadcast(c, n)
		}
	case *actor.Restarting, *actor.Stopping:
		g.work.stop()
		for _, w := range g.workers {
			w.cancel()
		}
	}
}

// tellCount tells local-groups how many workers are connected.
func (g *GroupsSend) tellCount(c actor.Context) {
	c.Send(g.localGroups, &connectedWorkers{n: len(g.workers)})
}

// join records a connected worker. A clusterd worker gets a full copy at once (beyond Wazuh,
// whose worker waits for agent_groups_mismatch_limit failed checksums); a Wazuh worker gets
// only the periodic broadcasts, as from a Wazuh master.
func (g *GroupsSend) join(c actor.Context, m *workerJoined) {
	w, ok := g.workers[m.name]
	if !ok || !w.pid.Equal(m.pid) {
		if ok {
			w.cancel()
		}
		ctx, cancel := context.WithCancel(context.Background())
		w = &peerLink{pid: m.pid, ctx: ctx, cancel: cancel}
		g.workers[m.name] = w
	}
	if m.clusterd && !w.fullSent {
		w.fullSent = true
		g.sendFull(c, m.name, w)
	}
}

func (g *GroupsSend) broadcast(c actor.Context, b *groupsBatch) {
	store := g.settings.Services.Groups
	if store == nil {
		return
	}
	if len(g.workers) == 0 {
		// The last worker left after the read: the assignments stay pending for the next one
		// (a Wazuh worker gets no full copy when it connects).
		g.log.Debug("No worker left to send the agent-groups to.")
		return
	}
	g.running = true
	doc := messages.EncodeAgentGroupsSync(messages.AgentGroupsSync{Mode: "override", SyncStatus: "synced", Chunks: b.chunks})
	targets := make(map[string]*peerLink, len(g.workers))
	for name, w := range g.workers {
		targets[name] = w
	}
	g.work.Run(c, g.settings.TimeoutAgentGroups, func(ctx context.Context) any {
		results := make(chan error, len(targets))
		for name, w := range targets {
			log := g.kit.Logger("Worker "+name, "Agent-groups send")
			go func() {
				log.Info("Starting.")
				wctx, wcancel := context.WithCancel(ctx)
				defer wcancel()
				stop := context.AfterFunc(w.ctx, wcancel)
				defer stop()
				results <- sendGroups(wctx, g.kit, NewRequester(g.kit, w.pid), name, messages.CmdSynGMW, doc, log)
			}()
		}
		failed := 0
		for range targets {
			if err := <-results; err != nil {
				failed++
			}
		}
		if failed == 0 && len(b.entries) > 0 {
			if err := store.MarkGroupsSynced(ctx, b.entries); err != nil {
				g.log.WithError(err).Error("Could not mark the agent-groups as synced.")
			}
		}
		return &broadcastDone{}
	})
}

// sendFull ships every assignment to one worker, as Wazuh's "Agent-groups send full" task: with
// the next read of the full copy.
func (g *GroupsSend) sendFull(c actor.Context, name string, w *peerLink) {
	if g.settings.Services.Groups == nil {
		return
	}
	g.fullWaiting[name] = w
	g.startFull(c)
}

// startFull reads the full copy once for every worker waiting for it, unless a read is under
// way: its requests came after that read began, so they wait for the next.
func (g *GroupsSend) startFull(c actor.Context) {
	if g.fullReading || len(g.fullWaiting) == 0 {
		return
	}
	targets := g.fullWaiting
	g.fullWaiting = map[string]*peerLink{}
	g.fullReading = true
	store := g.settings.Services.Groups
	g.work.Run(c, g.settings.TimeoutAgentGroups, func(ctx context.Context) any {
		start := time.Now()
		logs := make(map[string]*logrus.Entry, len(targets))
		for name := range targets {
			logs[name] = g.kit.Logger("Worker "+name, "Agent-groups send full")
			logs[name].Info("Starting.")
		}
		entries, err := store.AllGroups(ctx)
		if err != nil {
			for _, log := range logs {
				log.WithError(err).Error("Could not read the agent-groups.")
			}
			return &fullDone{}
		}
		chunks := messages.ChunkAgentGroups(entries, messages.GroupsHash{}, maxGroupsChunk)
		if len(chunks) == 0 {
			// No agent at all: Wazuh's master sends nothing and says so.
			for _, log := range logs {
				log.Infof("Finished in %.3fs. Updated 0 chunks.", time.Since(start).Seconds())
			}
			return &fullDone{}
		}
		doc := messages.EncodeAgentGroupsSync(messages.AgentGroupsSync{Mode: "override", SyncStatus: "synced", Chunks: chunks})
		done := make(chan struct{}, len(targets))
		for name, w := range targets {
			go func() {
				defer func() { done <- struct{}{} }()
				// The copy is for this connection of the worker only.
				wctx, cancel := context.WithCancel(ctx)
				defer cancel()
				defer context.AfterFunc(w.ctx, cancel)()
				_ = sendGroups(wctx, g.kit, NewRequester(g.kit, w.pid), name, messages.CmdSynGMWC, doc, logs[name])
			}()
		}
		for range targets {
			<-done
		}
		return &fullDone{}
	})
}

// sendGroups sends one agent-groups document as a long string to worker and names it with
// command.
func sendGroups(ctx context.Context, kit *Kit, r *Requester, worker, command string, doc []byte, log *logrus.Entry) error {
	start := time.Now()
	err := sendLongString(ctx, kit, r, doc, func(id string) error {
		log.Debug("Sending chunks.")
		resp, err := r.Request(ctx, command, []byte(id))
		if err == nil && resp.Command == messages.CmdErr {
			err = fmt.Errorf("%w: %s", errGroupsRefused, messages.ClipForLog(string(resp.Payload)))
		}
		return err
	})
	if err != nil {
		if !stopping(err) {
			log.Errorf("Error sending agent-groups information to %s: %v", worker, err)
		}
		return err
	}
	log.Debugf("Sent in %.3fs.", time.Since(start).Seconds())
	return nil
}
