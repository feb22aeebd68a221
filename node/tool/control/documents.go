package control

import "github.com/clusterd/clusterd/messages"

// The documents below are the client's JSON views of what it sends and receives. get_health
// answers are messages.Health. NodesArgs differs from messages.GetNodesArgs in what it writes:
// control.get_nodes always sends "distinct", the cluster's own encoder only when it is set.

// NodesArgs is the JSON argument of get_nodes (§13.1), with the keys in the order Wazuh's
// control.get_nodes sends them. A nil FilterNode is JSON null, i.e. every node.
type NodesArgs struct {
	FilterNode []string   `json:"filter_node"`
	Offset     int        `json:"offset"`
	Limit      int        `json:"limit"`
	Sort       *SortArg   `json:"sort"`
	Search     *SearchArg `json:"search"`
	Select     []string   `json:"select"`
	FilterType string     `json:"filter_type"`
	Distinct   bool       `json:"distinct"`
}

// SortArg orders get_nodes results.
type SortArg struct {
	Fields []string `json:"fields"`
	Order  string   `json:"order"`
}

// SearchArg filters get_nodes results by a substring.
type SearchArg struct {
	Value    string `json:"value"`
	Negation bool   `json:"negation"`
}

// DefaultNodesArgs returns the arguments cluster_control sends: every node of every type,
// first page of Wazuh's common.DATABASE_LIMIT items.
func DefaultNodesArgs(filterNode []string) NodesArgs {
	return NodesArgs{FilterNode: filterNode, Limit: messages.DefaultNodesLimit, FilterType: messages.FilterTypeAll}
}

// NodesDoc is the answer to get_nodes: the master first, then workers in connection order.
// Unlike messages.NodesResult, whose items keep the selected fields in order for the server,
// it is a fixed, JSON-tagged view that callers can also fill with encoding/json.
type NodesDoc struct {
	Items      []NodeInfo `json:"items"`
	TotalItems int        `json:"totalItems"`
}

// NodeInfo describes one connected node.
type NodeInfo struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Version string `json:"version"`
	IP      string `json:"ip"`
}

// ClusterConfig is the part of the get_config answer cluster_control uses.
type ClusterConfig struct {
	Name     string `json:"name"`
	NodeName string `json:"node_name"`
	NodeType string `json:"node_type"`
}

// AgentsDoc is the answer to the agents listing (-a): Agent.get_agents_overview run through
// the distributed API.
type AgentsDoc struct {
	Items      []AgentRow
	TotalItems int
}

// AgentRow is one agent as cluster_control lists it; fields the node left out read "unknown".
type AgentRow struct {
	ID       string
	Name     string
	IP       string
	Status   string
	Version  string
	NodeName string
}
