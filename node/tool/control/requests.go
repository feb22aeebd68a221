package control

import (
	"context"
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Request payloads are written as Wazuh's control.py writes them, with json.dumps' defaults
// (messages.EncodeJSON).

// GetConfig asks the node for its cluster configuration (get_config).
func (c *Client) GetConfig(ctx context.Context) (ClusterConfig, error) {
	payload, err := c.Do(ctx, messages.CmdGetConfig, nil)
	if err != nil {
		return ClusterConfig{}, err
	}
	return decodeConfig(payload)
}

// GetNodes lists the connected nodes (get_nodes), as control.get_nodes does without a q
// filter.
func (c *Client) GetNodes(ctx context.Context, args NodesArgs) (NodesDoc, error) {
	payload, err := c.Do(ctx, messages.CmdGetNodes, messages.EncodeJSON(args))
	if err != nil {
		return NodesDoc{}, err
	}
	return decodeNodes(payload)
}

// GetHealth asks for the health of the named nodes (get_health); nil names means every node.
func (c *Client) GetHealth(ctx context.Context, names []string) (messages.Health, error) {
	var filter any // json.dumps(None): every node
	if names != nil {
		filter = names
	}
	payload, err := c.Do(ctx, messages.CmdGetHealth, messages.EncodeJSON(filter))
	if err != nil {
		return messages.Health{}, err
	}
	return decodeHealth(payload)
}

// GetAgents lists agents through the distributed API, as control.get_agents does for
// cluster_control -a: Agent.get_agents_overview filtered by status and node ("all" when a
// filter is empty), every page at once.
func (c *Client) GetAgents(ctx context.Context, statuses, nodes []string) (AgentsDoc, error) {
	payload, err := c.Do(ctx, messages.CmdDapi, messages.EncodeJSON(agentsRequest(statuses, nodes)))
	if err != nil {
		return AgentsDoc{}, err
	}
	return decodeAgents(payload)
}

// agentsRequest is control.get_agents' input_json for cluster_control -a, keys in its order.
func agentsRequest(statuses, nodes []string) messages.Object {
	// Python sends list(set(...)), whose order is arbitrary; a sorted list is as good.
	selected := make([]string, len(agentFields))
	copy(selected, agentFields[:])
	sort.Strings(selected)
	return messages.Object{
		{Key: "f", Value: messages.Callable{
			Name: "get_agents_overview", Module: "wazuh.core.agent", Qualname: "Agent.get_agents_overview", Type: "function",
		}},
		{Key: "f_kwargs", Value: messages.Object{
			{Key: "filters", Value: messages.Object{
				{Key: "status", Value: joinOrAll(statuses)},
				{Key: "node_name", Value: joinOrAll(nodes)},
			}},
			{Key: "limit", Value: nil},
			{Key: "select", Value: selected},
		}},
		{Key: "from_cluster", Value: false},
		{Key: "wait_for_complete", Value: false},
	}
}

// joinOrAll is ','.join(values or ["all"]).
func joinOrAll(values []string) string {
	if len(values) == 0 {
		return "all"
	}
	return strings.Join(values, ",")
}
