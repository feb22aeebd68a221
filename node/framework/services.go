package framework

import (
	"context"

	"github.com/clusterd/clusterd/messages"
)

// Node is this node as its configuration describes it.
type Node struct {
	Name    string // node_name
	Type    string // "master" or "worker"
	Cluster string // the cluster's name
	Home    string // WAZUH_HOME: get_basic_info's path, the root of var/run and etc/shared
	// Config is read_cluster_config()'s dictionary, as the local get_config answers it (name,
	// node_name, node_type, key in clear, port, bind_addr, nodes, hidden, disabled).
	Config messages.Object
}

// NodesView is the cluster as the master knows it: the nodes (the master first, then the
// workers in the order they connected) and each one's health entry, n_active_agents counted.
type NodesView struct {
	Nodes  []messages.NodeInfo
	Health map[string]messages.NodeHealth
}

// Cluster is what the /cluster functions read of the cluster; Wazuh's read the same through
// the local socket (get_nodes, get_health, get_hash).
type Cluster interface {
	// Nodes returns the master's view of the cluster; on a worker, the master's answer.
	Nodes(ctx context.Context) (NodesView, error)
	// RulesetHashes is this node's get_hash: the hash of each custom ruleset file (etc/rules,
	// etc/decoders, etc/lists), by path relative to WAZUH_HOME.
	RulesetHashes(ctx context.Context) (messages.Object, error)
}

// Store is the node's agent database, read as wazuh-db's "global sql" reads global.db.
type Store interface {
	// SelectGlobal runs one read-only statement over the agent tables with args bound and
	// calls row with each row (NULL as nil, integers as int64, text as string).
	SelectGlobal(ctx context.Context, query string, args []any, row func(values []any) error) error
}

// ColumnsElsewhere is a Store whose agent table holds a column of Wazuh's agent table elsewhere
// than in the agent's row: AgentColumnSQL returns the expression that reads it over a row of
// the table named agent, and false for a column the row holds itself.
type ColumnsElsewhere interface {
	AgentColumnSQL(name string) (string, bool)
}

// Generational is a Store that tells when it changed: the executor keeps the agent ids it read
// while Generation returns the value it read before them.
type Generational interface {
	Generation() uint64
}

// Group assignment modes of wazuh-db's "global set-agent-groups".
const (
	GroupAppend   = "append"
	GroupOverride = "override"
	GroupRemove   = "remove"
)

// Groups changes agents' groups, as wazuh-db's "global set-agent-groups" with sync_status
// syncreq does (the cluster then sends the change to the workers).
type Groups interface {
	// SetAgentGroup applies one group to one agent in mode GroupAppend, GroupOverride or
	// GroupRemove (an agent left without groups goes back to "default").
	SetAgentGroup(ctx context.Context, agentID int, group, mode string) error
}
