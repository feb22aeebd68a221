package node

import (
	"context"
	"fmt"
	"os"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// agentsOverview answers cluster_control -a from the master's store (actors.AgentLister). As
// Wazuh's get_agents_overview it lists the manager itself as agent 000, active, on the master.
type agentsOverview struct {
	st       *wazuhdb.Store
	nodeName string
	version  string
}

func (a agentsOverview) AgentsOverview(ctx context.Context) ([]messages.AgentOverview, error) {
	agents, err := a.st.Agents(ctx)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	host, _ := os.Hostname()
	out := make([]messages.AgentOverview, 0, len(agents)+1)
	out = append(out, messages.AgentOverview{ID: "000", Name: host, IP: "127.0.0.1", Status: "active",
		Version: "Wazuh v" + a.version, NodeName: a.nodeName})
	for _, ag := range agents {
		if ag.ID == 0 {
			continue
		}
		status := ag.ConnectionStatus
		if status == "" {
			status = "never_connected"
		}
		out = append(out, messages.AgentOverview{ID: fmt.Sprintf("%03d", ag.ID), Name: ag.Name, IP: ag.IP,
			Status: status, Version: ag.Version, NodeName: ag.NodeName})
	}
	return out, nil
}

// ActiveAgentsByNode counts the active agents per node, the manager aside, as the master's
// get_health counts them (get_agents_overview filtered by status and node, q="id!=000").
func (a agentsOverview) ActiveAgentsByNode(ctx context.Context) (map[string]int, error) {
	return a.st.CountActiveByNode(ctx)
}
