package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// AgentGroupsRecv is the worker's node/worker/agent-groups: it applies the agent-groups the master
// broadcasts (syn_g_m_w) or sends in full (syn_g_m_w_c) to the worker's store, answers with
// the result (syn_w_g_e / syn_wgc_e, or the *_err commands), and compares the master's global
// group hash with its own: after agent_groups_mismatch_limit mismatches in a row it asks for a
// full copy (syn_w_g_c). Documents are applied one at a time, in arrival order.
type AgentGroupsRecv struct {
	kit      *Kit
	settings Settings
	master   *actor.PID

	queue      []*groupsDocument
	running    bool
	mismatches int
	work       *offload
}

// groupsDocument is one agent-groups string the master sent. It keeps its share of the node's
// string budget until release, once applied or dropped: documents waiting in the queue count
// against it with those still arriving, so a master sending faster than the worker applies
// cannot make it hold more.
type groupsDocument struct {
	full    bool
	data    []byte
	release func()
}

// done gives the document's share of the budget back.
func (d *groupsDocument) done() {
	if d.release != nil {
		d.release()
	}
}

// groupsApplied ends the application of one document.
type groupsApplied struct {
	full     bool
	compared bool // the master sent a hash and the worker's could be read
	match    bool
}

// NewAgentGroupsRecv returns the producer of the worker's agent-groups actor.
func NewAgentGroupsRecv(kit *Kit, settings Settings, master *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &AgentGroupsRecv{kit: kit, settings: settings, master: master}
	}
}

// Receive implements actor.Actor.
func (a *AgentGroupsRecv) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		a.work = newOffload(a.kit)
	case *groupsDocument:
		a.queue = append(a.queue, m)
		a.next(c)
	case *groupsApplied:
		a.running = false
		a.checked(c, m)
		a.next(c)
	case *masterLink:
		if !m.up {
			a.drop()
			a.mismatches = 0
		}
	case *Response:
		// The answer to syn_w_g_c or to a result; nothing to do with it.
	case *actor.Restarting, *actor.Stopping:
		a.drop()
		a.work.stop()
	}
}

// drop forgets the documents waiting to be applied.
func (a *AgentGroupsRecv) drop() {
	for _, doc := range a.queue {
		doc.done()
	}
	a.queue = nil
}

func (a *AgentGroupsRecv) checked(c actor.Context, m *groupsApplied) {
	if m.full || !m.compared {
		return
	}
	log := a.kit.Logger("Worker "+a.settings.NodeName, "Agent-groups recv")
	if m.match {
		if a.mismatches > 0 {
			log.Debug("The checksum of both databases match. Counter reset.")
		} else {
			log.Debug("The checksum of both databases match.")
		}
		a.mismatches = 0
		return
	}
	a.mismatches++
	limit := max(a.settings.AgentGroupsMismatchLimit, 1)
	log.Debugf("Checksum comparison failed (%d/%d).", a.mismatches, limit)
	if a.mismatches >= limit {
		a.mismatches = 0
		c.Send(a.master, &SendRequest{Command: messages.CmdSynWGC, ReplyTo: c.Self()})
		log.Info("Sent request to obtain all agent-groups information from the master node.")
	}
}

func (a *AgentGroupsRecv) next(c actor.Context) {
	if a.running || len(a.queue) == 0 {
		return
	}
	doc := a.queue[0]
	a.queue = a.queue[1:]
	a.running = true
	store := a.settings.Services.Groups
	subtag := "Agent-groups recv"
	if doc.full {
		subtag = "Agent-groups recv full"
	}
	log := a.kit.Logger("Worker "+a.settings.NodeName, subtag)
	r := NewRequester(a.kit, a.master)
	a.work.Run(c, a.settings.TimeoutAgentGroups, func(ctx context.Context) any {
		defer doc.done()
		return applyGroupsDocument(ctx, store, r, doc, log)
	})
}

// applyGroupsDocument applies one document, reports the result to the master and compares the
// global hashes.
func applyGroupsDocument(ctx context.Context, store GroupsStore, r *Requester, doc *groupsDocument, log *logrus.Entry) *groupsApplied {
	start := time.Now()
	log.Info("Starting.")
	done := &groupsApplied{full: doc.full}
	okCmd, errCmd := messages.CmdSynWGE, messages.CmdSynWGErr
	if doc.full {
		okCmd, errCmd = messages.CmdSynWGCE, messages.CmdSynWGCErr
	}
	if store == nil {
		_, _ = r.Request(ctx, errCmd, []byte(ErrNoStore.Error()))
		return done
	}
	sync, err := messages.ScanAgentGroupsSync(doc.data)
	if err != nil {
		log.Errorf("Error processing agent-groups information: %v", err)
		_, _ = r.Request(ctx, errCmd, []byte("error while trying to load JSON: "+err.Error()))
		return done
	}
	// The pages are decoded and applied one at a time; the last one carries the master's hash.
	res := messages.SyncResult{}
	var last messages.AgentGroupsChunk
	lastParsed := false
	_ = sync.EachChunk(func(i int, chunk string, err error) error {
		var page messages.AgentGroupsChunk
		if err == nil {
			page, err = messages.ParseAgentGroupsChunk(chunk)
		}
		if i == sync.Len()-1 {
			last, lastParsed = page, err == nil
		}
		if err == nil {
			err = store.ApplyGroups(ctx, page.Data)
		}
		if err != nil {
			res.ErrorMessages = append(res.ErrorMessages, err.Error())
			return nil
		}
		res.UpdatedChunks++
		return nil
	})
	if doc.full {
		if err := store.RecalculateGroupHashes(ctx); err != nil {
			res.ErrorMessages = append(res.ErrorMessages, err.Error())
		}
	}
	res.TimeSpent = time.Since(start).Seconds()
	if _, err := r.Request(ctx, okCmd, res.Encode()); err != nil {
		log.Errorf("Could not send the agent-groups result to the master: %v", err)
	}
	if len(res.ErrorMessages) > 0 {
		log.Errorf("Finished in %.3fs. Updated %d chunks. There were %d chunks with errors: %s",
			res.TimeSpent, res.UpdatedChunks, len(res.ErrorMessages), messages.ClipForLog(fmt.Sprint(res.ErrorMessages)))
	} else {
		log.Infof("Finished in %.3fs. Updated %d chunks.", res.TimeSpent, res.UpdatedChunks)
	}
	if doc.full {
		return done
	}
	if !lastParsed {
		return done
	}
	masterHash, ok := last.MasterHash()
	if !ok {
		return done
	}
	// As Wazuh's worker: a null hash on either side is None, equal only to the other's None.
	done.compared = true
	own, has, err := store.GlobalGroupHash(ctx)
	if err != nil {
		own = "UNABLE TO COLLECT FROM DB"
	} else {
		if !has {
			own = ""
		}
		done.match = own == masterHash
	}
	if !done.match {
		log.Debugf("The checksum of master (%s) and worker (%s) are different.", messages.ClipForLog(pyNone(masterHash)), pyNone(own))
	}
	return done
}

// pyNone writes an absent checksum as Wazuh's logs do.
func pyNone(hash string) string {
	if hash == "" {
		return "None"
	}
	return hash
}

// agentGroups takes an agent-groups string named by syn_g_m_w / syn_g_m_w_c: Wazuh answers
// with the id at once and applies it in a task.
func (w *WorkerHandler) agentGroups(c actor.Context, f messages.Frame) {
	id := string(f.Payload)
	data, release, ok := w.sess.strings.TakeHeld(id)
	if !ok {
		w.sess.respondError(f.Counter, messages.ErrStringNotFound.With(messages.ClipForLog(id)))
		return
	}
	w.sess.respond(f.Counter, messages.CmdOK, f.Payload)
	w.tell(c, w.tasks.AgentGroups, &groupsDocument{full: f.Command == messages.CmdSynGMWC, data: data, release: release})
}
