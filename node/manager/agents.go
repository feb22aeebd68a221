package manager

import (
	"context"
	"fmt"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// agentLister lists the master's agents from its wazuh-db (actors.AgentLister), with the
// queries Wazuh's get_agents_overview sends (`global sql`), the manager's own row (000)
// included as wazuh-db holds it.
type agentLister struct{ wdb *wdb.Client }

func (a agentLister) AgentsOverview(ctx context.Context) ([]messages.AgentOverview, error) {
	rows, err := a.wdb.Agents(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := make([]messages.AgentOverview, 0, len(rows))
	for _, r := range rows {
		out = append(out, messages.AgentOverview{ID: fmt.Sprintf("%03d", r.ID), Name: r.Name, IP: r.IP,
			Status: r.ConnectionStatus, Version: r.Version, NodeName: r.NodeName})
	}
	return out, nil
}

// ActiveAgentsByNode counts as the master's health report does: active agents by node, the
// manager (000) left out.
func (a agentLister) ActiveAgentsByNode(ctx context.Context) (map[string]int, error) {
	return a.wdb.ActiveAgentsByNode(ctx)
}
