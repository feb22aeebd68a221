package actors

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// dapiAgentsOverview is the one distributed API function clusterd serves so far: the agents
// listing of cluster_control -a (and of the API's GET /agents).
const dapiAgentsOverview = "get_agents_overview"

// dapiRequest is the part of a DAPI request JSON (§12.1) clusterd reads.
type dapiRequest struct {
	F struct {
		Callable struct {
			Name string `json:"__name__"`
		} `json:"__callable__"`
	} `json:"f"`
	Kwargs struct {
		Filters struct {
			Status   string `json:"status"`
			NodeName string `json:"node_name"`
		} `json:"filters"`
	} `json:"f_kwargs"`
}

// agentsDocument is get_agents_overview's result as the API returns it.
type agentsDocument struct {
	Items      []messages.AgentOverview `json:"items"`
	TotalItems int                      `json:"totalItems"`
}

// dapi serves a local distributed API request: it is acknowledged at once, as Wazuh does, and
// the result goes back later as a long string named by dapi_res (or dapi_err with the error).
// The master answers from its store; a worker asks its master (get_agents).
func (l *LocalConn) dapi(c actor.Context, f messages.Frame) {
	var req dapiRequest
	if err := json.Unmarshal(f.Payload, &req); err != nil {
		l.sess.respondError(f.Counter, messages.ErrJSONNotLoaded.With(err.Error()))
		return
	}
	if req.F.Callable.Name != dapiAgentsOverview {
		// A cluster error, as this node's refusal (Wazuh's local client raises 3009 as a
		// WazuhInternalError when it cannot reach the socket at all).
		l.sess.respondError(f.Counter, messages.NewClusterError(messages.ErrDistributedAPI.Code, fmt.Sprintf("%s is not served by this node", req.F.Callable.Name)))
		return
	}
	l.sess.respond(f.Counter, messages.CmdOK, []byte("Added request to API requests queue"))
	query := messages.AgentsQuery{Status: splitFilter(req.Kwargs.Filters.Status), Nodes: splitFilter(req.Kwargs.Filters.NodeName)}
	kit, s, self := l.kit, l.settings, c.Self()
	master, worker := kit.Directory.Master() != nil, kit.Directory.Worker()
	l.work.Run(c, s.RequestTimeout, func(ctx context.Context) any {
		rows, err := agentsFor(ctx, kit, s, master, worker, query)
		r := NewRequester(kit, self)
		if err == nil {
			var doc []byte
			doc, err = json.Marshal(agentsDocument{Items: rows, TotalItems: len(rows)})
			var id string
			if err == nil {
				id, err = wire.SendString(ctx, r, doc, wire.RequestChunk)
			}
			if err == nil {
				_, err = r.Request(ctx, messages.CmdDapiRes, []byte(id))
				if err == nil {
					return nil
				}
			}
		}
		_, _ = r.Request(ctx, messages.CmdDapiErr, []byte(messages.ToWazuhError(err).Error()))
		return nil
	})
}

// agentsFor lists agents from the master's store, or asks the master from a worker.
func agentsFor(ctx context.Context, kit *Kit, s Settings, master bool, worker *WorkerRole, q messages.AgentsQuery) ([]messages.AgentOverview, error) {
	if master {
		if s.Services.Agents == nil {
			return nil, ErrNoStore
		}
		rows, err := s.Services.Agents.AgentsOverview(ctx)
		if err != nil {
			return nil, err
		}
		return messages.FilterAgents(rows, q), nil
	}
	if worker == nil {
		return nil, errNoRole()
	}
	payload, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	resp, err := NewRequester(kit, worker.Master).Request(ctx, CmdGetAgents, payload)
	if err != nil {
		return nil, err
	}
	if resp.Command == messages.CmdErr {
		return nil, messages.ResponseError(resp.Payload)
	}
	var rows []messages.AgentOverview
	if err := json.Unmarshal(resp.Payload, &rows); err != nil {
		return nil, messages.ErrJSONNotLoaded.With(err.Error())
	}
	return rows, nil
}

// splitFilter turns "active,disconnected" into its values; "all" or nothing means no filter.
func splitFilter(v string) []string {
	if v == "" || v == "all" {
		return nil
	}
	return strings.Split(v, ",")
}
