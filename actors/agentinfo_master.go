package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// agentInfoApplied ends the master's agent-info task for one worker.
type agentInfoApplied struct {
	conn       *link // the connection the agent-info came on
	start, end time.Time
	result     messages.SyncResult
	err        error
	// badNames counts the agents whose reported name the store ignored (firstBadName is one,
	// clipped); oversized the items skipped for their size.
	badNames     int
	firstBadName string
	oversized    int
}

// agentInfoPermission answers syn_a_w_m_p: one agent-info sync per worker at a time.
func (h *MasterHandler) agentInfoPermission(f messages.Frame) {
	if h.settings.Services.AgentInfo == nil || h.agentInfoBusy {
		h.sess.respond(f.Counter, messages.CmdOK, []byte("False"))
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte("True"))
}

// agentInfoReceived takes the worker's agent-info string (syn_a_w_m) and applies it off the
// actor; the worker gets syn_m_a_e or syn_m_a_err when it is done. The string keeps its share
// of the node's string budget until then, and the documents of all workers are applied one at
// a time: what the master holds for them is bounded by that budget and one batch, whatever the
// number of workers sending.
func (h *MasterHandler) agentInfoReceived(c actor.Context, f messages.Frame) {
	id := string(f.Payload)
	data, release, ok := h.sess.strings.TakeHeld(id)
	store := h.settings.Services.AgentInfo
	if !ok || store == nil {
		release()
		h.sess.respondError(f.Counter, messages.ErrStringNotFound.With(messages.ClipForLog(id)))
		return
	}
	if h.agentInfoBusy {
		// A Wazuh worker asks for permission first, and is refused while its last document
		// is being applied; one that does not is not given a second task.
		release()
		h.sess.respondError(f.Counter, messages.ErrAgentInfoChunks.With("an agent-info synchronisation of this worker is already running"))
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, f.Payload)
	h.agentInfoBusy = true
	h.status.SyncAgentInfoFree = false
	h.publishStatus(c)
	log := h.kit.Logger("Worker "+h.conn.info.Name, "Agent-info sync")
	log.Info("Starting.")
	now, conn, group := h.kit.Now, h.conn.link, h.kit.agentInfoApplies
	h.work.Run(c, h.settings.TimeoutAgentInfo, func(ctx context.Context) any {
		defer release()
		done := applyAgentInfo(ctx, group, store, data, now)
		logAgentInfoApplied(log, done)
		done.conn = conn
		return done
	})
}

// applyAgentInfo checks one worker's agent-info document, waits for its turn and applies it, a
// batch at a time, in one transaction, which it may share with other workers' documents.
func applyAgentInfo(ctx context.Context, group *agentInfoGroup, store AgentInfoStore, data []byte, now func() time.Time) *agentInfoApplied {
	done := &agentInfoApplied{start: now()}
	defer func() { done.end = now(); done.result.TimeSpent = done.end.Sub(done.start).Seconds() }()
	// Checking the document costs a pass over its bytes and no memory: it need not wait.
	doc, err := messages.ScanAgentInfoSync(data)
	if err != nil {
		done.err = fmt.Errorf("error while trying to load JSON: %w", err)
		return done
	}
	group.apply(ctx, store, doc, done)
	return done
}

// applyAgentInfoDocument writes one document in a transaction of its own.
func applyAgentInfoDocument(ctx context.Context, store AgentInfoStore, doc *messages.AgentInfoDocument, done *agentInfoApplied) {
	var walkErr error
	batches := &agentInfoNames{done: done}
	_, err := store.ApplyAgentInfo(ctx, func(w messages.AgentInfoVisitor) error {
		*batches = agentInfoNames{w: w, done: done}
		done.badNames, done.firstBadName = 0, ""
		done.oversized, walkErr = doc.Walk(batches)
		return walkErr
	})
	switch {
	case err == nil:
		done.result.UpdatedChunks = doc.Count()
	case walkErr != nil && batches.storeErr == nil:
		// The document, not the store: nothing was kept of it.
		done.err = fmt.Errorf("error while trying to load JSON: %w", walkErr)
	default:
		done.result.ErrorMessages = append(done.result.ErrorMessages, err.Error())
	}
}

// agentInfoNames passes a document's batches on to the store, counting the agents whose
// reported name the store will ignore, and remembers whether the store failed.
type agentInfoNames struct {
	w        messages.AgentInfoVisitor
	done     *agentInfoApplied
	storeErr error
}

func (n *agentInfoNames) stored(err error) error {
	if err != nil {
		n.storeErr = err
	}
	return err
}

func (n *agentInfoNames) Syncreq(items []messages.AgentInfoItem) error {
	for i := range items {
		// The store keeps the stored name for these (see store.reportedName); "" is "not sent".
		if name := items[i].Name; name != "" && !messages.ValidAgentName(name) {
			if n.done.badNames == 0 {
				n.done.firstBadName = messages.ClipForLog(name)
			}
			n.done.badNames++
		}
	}
	return n.stored(n.w.Syncreq(items))
}

func (n *agentInfoNames) Keepalive(items []messages.AgentKeepaliveItem) error {
	return n.stored(n.w.Keepalive(items))
}

func (n *agentInfoNames) Status(items []messages.AgentStatusItem) error {
	return n.stored(n.w.Status(items))
}

// logAgentInfoApplied logs the outcome where the apply ran, so that it is logged even when
// the worker is gone by then and its handler with it.
func logAgentInfoApplied(log *logrus.Entry, m *agentInfoApplied) {
	if m.badNames > 0 {
		log.Warnf("Kept the stored name of %d agents: the names sent are not valid agent names (first: '%s').",
			m.badNames, m.firstBadName)
	}
	if m.oversized > 0 {
		log.Warnf("Skipped the agent-info of %d agents: each takes more than %d bytes, more than an agent can report.",
			m.oversized, messages.MaxAgentInfoItemSize)
	}
	switch {
	case m.err != nil:
		log.Errorf("Error processing agent-info: %v", m.err)
	case len(m.result.ErrorMessages) > 0:
		log.Errorf("Finished in %.3fs. Updated %d chunks. There were %d chunks with errors: %s",
			m.result.TimeSpent, m.result.UpdatedChunks, len(m.result.ErrorMessages), messages.ClipForLog(fmt.Sprint(m.result.ErrorMessages)))
	default:
		log.Infof("Finished in %.3fs. Updated %d chunks.", m.result.TimeSpent, m.result.UpdatedChunks)
	}
}

// agentInfoDone answers the worker and records the sync in its status.
func (h *MasterHandler) agentInfoDone(c actor.Context, m *agentInfoApplied) {
	if m.conn != h.conn.link {
		return // applied for the worker's previous connection; that worker resends
	}
	h.agentInfoBusy = false
	h.status.SyncAgentInfoFree = true
	if m.err != nil {
		h.sess.request(c, &SendRequest{Command: messages.CmdSynMAErr, Payload: []byte(m.err.Error()), ReplyTo: c.Self()})
		h.publishStatus(c)
		return
	}
	h.sess.request(c, &SendRequest{Command: messages.CmdSynMAE, Payload: m.result.Encode(), ReplyTo: c.Self()})
	h.status.LastSyncAgentInfo = messages.AgentInfoSyncStatus{DateStartMaster: messages.FormatDate(m.start),
		DateEndMaster: messages.FormatDate(m.end), NSyncedChunks: m.result.UpdatedChunks}
	h.publishStatus(c)
}
