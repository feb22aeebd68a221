package node

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// agentLocator tells the master's DAPI queue where agents report, from the store's node_name
// column (dapi.AgentLocator): what get_solver_node asks of get_agents_overview. The manager
// itself is agent 000, on the master.
type agentLocator struct {
	st      *wazuhdb.Store
	self    string
	timeout time.Duration
}

func (l agentLocator) LocateAgents(q dapi.AgentQuery) ([]dapi.AgentNode, error) {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	var ids []int
	manager := q.Nodes == nil || slices.Contains(q.Nodes, l.self)
	if q.IDs != nil {
		ids = make([]int, 0, len(q.IDs))
		wantManager := false
		for _, text := range q.IDs {
			switch id, err := strconv.Atoi(text); {
			case err != nil || id < 0:
				// Not an agent id: the store has no such agent.
			case id == 0:
				wantManager = true
			default:
				ids = append(ids, id)
			}
		}
		manager = manager && wantManager
	}
	var out []dapi.AgentNode
	if manager {
		out = append(out, dapi.AgentNode{ID: "000", Node: l.self})
	}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	rows, err := l.st.AgentNodes(ctx, ids, q.Nodes)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, dapi.AgentNode{ID: fmt.Sprintf("%03d", r.ID), Node: r.Node})
	}
	return out, nil
}
