package framework

import (
	"context"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// locateTimeout bounds a node choice: dapi.AgentLocator takes no context.
const locateTimeout = 30 * time.Second

var _ dapi.AgentLocator = (*Native)(nil)

// LocateAgents is the agent store's answer to get_solver_node (dapi.AgentLocator):
// Agent.get_agents_overview(select=["node_name"], limit=None, filters=...) over the agents
// with one of q.IDs, or reporting to one of q.Nodes, or every agent; the manager (000)
// included, ids the store does not know left out, ordered by id.
func (n *Native) LocateAgents(q dapi.AgentQuery) ([]dapi.AgentNode, error) {
	if n.db == nil {
		return nil, dapi.NotExecuted(dapi.Function{Module: "wazuh.core.agent", Qualname: "Agent.get_agents_overview"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), locateTimeout)
	defer cancel()
	query := newAgentQuery()
	query.limit, query.selectFields = nil, []string{"node_name"}
	switch {
	case q.IDs != nil:
		c := &call{ctx: ctx, n: n}
		system, err := c.systemAgents()
		if err != nil {
			return nil, err
		}
		query.rbac, query.filtersGiven = rbacFilters(system, q.IDs), true
	case q.Nodes != nil:
		query.filters = []legacyFilter{{name: "node_name", values: stringsToAny(q.Nodes)}}
		query.filtersGiven = true
	}
	rows, err := query.run(ctx, n.db)
	if err != nil {
		return nil, err
	}
	out := make([]dapi.AgentNode, 0, len(rows.items))
	for _, it := range rows.items {
		o, _ := it.(messages.Object)
		id, _ := o.Get("id")
		node, _ := o.Get("node_name")
		out = append(out, dapi.AgentNode{ID: messages.PyStr(id), Node: textOrEmpty(node)})
	}
	return out, nil
}

func textOrEmpty(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}
