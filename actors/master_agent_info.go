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
	// badNames counts the agents whose reported name the store ignored (firstBadName is one).
	badNames     int
	firstBadName string
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
// actor; the worker gets syn_m_a_e or syn_m_a_err when it is done.
func (h *MasterHandler) agentInfoReceived(c actor.Context, f messages.Frame) {
	id := string(f.Payload)
	data, ok := h.sess.strings.Take(id)
	store := h.settings.Services.AgentInfo
	if !ok || store == nil {
		h.sess.respondError(f.Counter, messages.ErrStringNotFound.With(id))
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, f.Payload)
	h.agentInfoBusy = true
	h.status.SyncAgentInfoFree = false
	h.publishStatus(c)
	log := h.kit.Logger("Worker "+h.conn.info.Name, "Agent-info sync")
	log.Info("Starting.")
	timeout, root, self, now, conn := h.settings.TimeoutAgentInfo, h.kit.System.Root, c.Self(), h.kit.Now, h.conn.link
	h.kit.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		done := applyAgentInfo(ctx, store, data, now)
		logAgentInfoApplied(log, done)
		done.conn = conn
		root.Send(self, done)
	})
}

// applyAgentInfo parses and applies one worker's agent-info string.
func applyAgentInfo(ctx context.Context, store AgentInfoStore, data []byte, now func() time.Time) *agentInfoApplied {
	done := &agentInfoApplied{start: now()}
	defer func() { done.end = now(); done.result.TimeSpent = done.end.Sub(done.start).Seconds() }()
	chunks, err := messages.ParseAgentInfoSync(data)
	if err != nil {
		done.err = fmt.Errorf("error while trying to load JSON: %w", err)
		return done
	}
	for _, a := range chunks.Syncreq {
		// The store keeps the stored name for these (see store.reportedName); "" means "not sent".
		if a.Name != "" && !messages.ValidAgentName(a.Name) {
			if done.badNames == 0 {
				done.firstBadName = a.Name
			}
			done.badNames++
		}
	}
	if _, err := store.ApplyAgentInfo(ctx, chunks); err != nil {
		done.result.ErrorMessages = append(done.result.ErrorMessages, err.Error())
	} else {
		done.result.UpdatedChunks = chunks.Count()
	}
	return done
}

// logAgentInfoApplied logs the outcome where the apply ran, so that it is logged even when
// the worker is gone by then and its handler with it.
func logAgentInfoApplied(log *logrus.Entry, m *agentInfoApplied) {
	if m.badNames > 0 {
		log.Warnf("Kept the stored name of %d agents: the names sent are not valid agent names (first: '%s').",
			m.badNames, messages.ClipForLog(m.firstBadName))
	}
	switch {
	case m.err != nil:
		log.Errorf("Error processing agent-info: %v", m.err)
	case len(m.result.ErrorMessages) > 0:
		log.Errorf("Finished in %.3fs. Updated %d chunks. There were %d chunks with errors: %v",
			m.result.TimeSpent, m.result.UpdatedChunks, len(m.result.ErrorMessages), m.result.ErrorMessages)
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
