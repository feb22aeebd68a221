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

// queryAgents runs an agents query off the actor and sends the answer to self.
func queryAgents(kit *Kit, lister AgentLister, timeout time.Duration, counter uint32, payload []byte, self *actor.PID) {
	root := kit.System.Root
	kit.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		ans := &agentsAnswer{counter: counter}
		defer func() { root.Send(self, ans) }()
		if lister == nil {
			ans.err = ErrNoStore
			return
		}
		var q messages.AgentsQuery
		if len(payload) > 0 {
			if err := json.Unmarshal(payload, &q); err != nil {
				ans.err = messages.ErrJSONNotLoaded.With(err.Error())
				return
			}
		}
		rows, err := lister.AgentsOverview(ctx)
		if err != nil {
			ans.err = err
			return
		}
		rows = messages.FilterAgents(rows, q)
		ans.payload, ans.err = json.Marshal(rows)
	})
}

func (h *MasterHandler) getAgents(c actor.Context, f messages.Frame) {
	queryAgents(h.kit, h.settings.Services.Agents, h.settings.RequestTimeout, f.Counter, f.Payload, c.Self())
}

func (h *MasterHandler) answerAgents(m *agentsAnswer) {
	if m.err != nil {
		h.sess.respondError(m.counter, messages.ToWazuhError(m.err))
		return
	}
	h.sess.respond(m.counter, messages.CmdOK, m.payload)
}
