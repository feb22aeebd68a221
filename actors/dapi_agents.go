package actors

import (
	"context"
	"encoding/json"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// CmdGetAgents is clusterd's own request for cluster_control -a: the payload is a
// messages.AgentsQuery, the answer the JSON list of messages.AgentOverview. A worker relays it
// to its master, which owns the agents' status.
const CmdGetAgents = "get_agents"

// agentsAnswer carries a store answer back into the actor that must respond.
type agentsAnswer struct {
	counter uint32
	payload []byte
	err     error
}

// queryAgents runs an agents query on the asking actor's offload; the answer comes back to it.
func queryAgents(c actor.Context, work *offload, lister AgentLister, timeout time.Duration, counter uint32, payload []byte) {
	work.Run(c, timeout, func(ctx context.Context) any {
		ans := &agentsAnswer{counter: counter}
		if lister == nil {
			ans.err = ErrNoStore
			return ans
		}
		var q messages.AgentsQuery
		if len(payload) > 0 {
			if err := json.Unmarshal(payload, &q); err != nil {
				ans.err = messages.ErrJSONNotLoaded.With(err.Error())
				return ans
			}
		}
		rows, err := lister.AgentsOverview(ctx)
		if err != nil {
			ans.err = err
			return ans
		}
		rows = messages.FilterAgents(rows, q)
		ans.payload, ans.err = json.Marshal(rows)
		return ans
	})
}

func (h *MasterHandler) getAgents(c actor.Context, f messages.Frame) {
	queryAgents(c, h.work, h.settings.Services.Agents, h.settings.RequestTimeout, f.Counter, f.Payload)
}

func (h *MasterHandler) answerAgents(m *agentsAnswer) {
	if m.err != nil {
		h.sess.respondError(m.counter, messages.ToWazuhError(m.err))
		return
	}
	h.sess.respond(m.counter, messages.CmdOK, m.payload)
}
