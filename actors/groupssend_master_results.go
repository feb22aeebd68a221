package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// groupsResult records a worker's agent-groups result (syn_w_g_e / syn_wgc_e) or failure in
// the worker's health status, and logs it as Wazuh's master does.
func (h *MasterHandler) groupsResult(c actor.Context, f messages.Frame) {
	full := f.Command == messages.CmdSynWGCE || f.Command == messages.CmdSynWGCErr
	subtag := "Agent-groups send"
	if full {
		subtag = "Agent-groups send full"
	}
	log := h.kit.Logger("Worker "+h.conn.info.Name, subtag)
	if f.Command == messages.CmdSynWGErr || f.Command == messages.CmdSynWGCErr {
		log.Errorf("There was an error while processing agent-groups on the peer: %s", messages.ClipForLog(string(f.Payload)))
		return
	}
	res, err := messages.ParseSyncResult(f.Payload)
	if err != nil {
		log.Errorf("Could not read the agent-groups result: %v", err)
		return
	}
	end := h.kit.Now()
	start := end.Add(-time.Duration(res.TimeSpent * float64(time.Second)))
	st := messages.AgentGroupsSyncStatus{DateStart: messages.FormatDate(start), DateEnd: messages.FormatDate(end), NSyncedChunks: res.UpdatedChunks}
	if full {
		h.status.LastSyncFullAgentGroup = st
	} else {
		h.status.LastSyncAgentGroup = st
	}
	if len(res.ErrorMessages) > 0 {
		log.Errorf("Finished in %.3fs. Updated %d chunks. There were %d chunks with errors: %s",
			res.TimeSpent, res.UpdatedChunks, len(res.ErrorMessages), messages.ClipForLog(fmt.Sprint(res.ErrorMessages)))
	} else {
		log.Infof("Finished in %.3fs. Updated %d chunks.", res.TimeSpent, res.UpdatedChunks)
	}
	h.publishStatus(c)
}
