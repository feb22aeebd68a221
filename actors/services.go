package actors

import (
	"context"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// Services are what the node hands the actors beyond configuration: the agent store and the
// master's local daemons. Any of them may be nil (a node started without a store, as in some
// tests); the actors then answer as Wazuh does when the service is unavailable.
type Services struct {
	// Daemons serves sendsync requests on the master (authd, wazuh-db).
	Daemons Daemons
	// Groups is the agent-groups side of the store, on both node types.
	Groups GroupsStore
	// Keys imports etc/client.keys into the store after the master's copy arrives (worker).
	Keys KeysImporter
	// Agents lists the agents and counts the active ones of each node for the health report
	// (master).
	Agents AgentLister
	// AgentInfo is the agent-info side of the store (both node types).
	AgentInfo AgentInfoStore
	// DAPI runs the Distributed API requests that reach this node's queue (both node types);
	// nil answers each of them at once with the exception naming its function.
	DAPI dapi.Executor
	// DAPIAgents says where agents report, from the master's store: the routing of
	// distributed_master requests (master). nil: the DAPI executor, if it is a locator too.
	// The node sets its native executor here, so a test that replaces DAPI keeps the routing.
	DAPIAgents dapi.AgentLocator
	// Framework starts the process of the manager's Python framework (Wazuh mode, both node
	// types): node/framework owns it, and DAPI's executor calls it through FrameworkClient for
	// what clusterd does not execute natively. nil: no such process.
	Framework FrameworkLauncher
	// Replication reports the replicated master's state (a master-eligible node; nil
	// otherwise): actorctl replication.
	Replication ReplicationReporter
}

// ReplicationReporter says where a master-eligible node stands in the replicated master.
type ReplicationReporter interface {
	ReplicationStatus() ReplicationStatus
}

// ReplicationStatus is the answer to actorctl's replication command.
type ReplicationStatus struct {
	Node    string `json:"node"`
	Address string `json:"address"`
	// Role is "acting master", "standby" or "none" (no acting master known); Raft is the raft
	// state (StateLeader, StateFollower, StateCandidate, StatePreCandidate).
	Role    string `json:"role"`
	Raft    string `json:"raft"`
	Term    uint64 `json:"term"`
	Leader  string `json:"leader"` // the acting master's address, "" when none is known
	Commit  uint64 `json:"commit"`
	Applied uint64 `json:"applied"`
	// Members are the replication lag of each member as the acting master sees it (empty on a
	// standby): its log matches the leader's up to Match, Lag entries behind the last.
	Members []ReplicationMember `json:"members,omitempty"`
}

// ReplicationMember is one member's replication, on the acting master.
type ReplicationMember struct {
	Address string `json:"address"`
	Match   uint64 `json:"match"`
	Lag     uint64 `json:"lag"`
	Active  bool   `json:"active"`
}

// AgentInfoToken identifies what a PendingAgentInfo read, for its confirmation.
type AgentInfoToken any

// AgentInfoStore is the agent-info side of the store (Wazuh's /v1/agents/sync, both ways).
type AgentInfoStore interface {
	// PendingAgentInfo returns what changed on this worker since the last confirmed sync; nothing
	// is marked synced until ConfirmAgentInfo, so a sync that dies half-way is sent again.
	// (wazuh-db marks rows synced as it hands them over: the wazuh-db store keeps them until
	// ConfirmAgentInfo instead; see docs/design.md, Wazuh mode.)
	PendingAgentInfo(ctx context.Context) (messages.AgentInfoChunks, AgentInfoToken, error)
	// ConfirmAgentInfo marks what PendingAgentInfo returned as synced, except rows written since.
	ConfirmAgentInfo(ctx context.Context, token AgentInfoToken) error
	// ApplyAgentInfo writes a worker's agent-info into the master's store: fill hands the store
	// the document's items a batch at a time (unknown agents are skipped), and an error from
	// fill leaves nothing of the document written. fill may be called more than once, each call
	// walking the whole document. The embedded store writes it in one transaction; the wazuh-db
	// store checks it decodes whole, then posts it in several requests. It returns how many
	// agents it wrote.
	ApplyAgentInfo(ctx context.Context, fill func(messages.AgentInfoVisitor) error) (int, error)
}

// Daemons runs one request for a master daemon and returns its raw answer.
type Daemons interface {
	Dispatch(ctx context.Context, daemon string, message []byte) ([]byte, error)
}

// GroupsStore is the agent-groups part of the store (Wazuh's wazuh-db global commands).
type GroupsStore interface {
	// PendingGroups returns the assignments not yet sent to the workers (group_sync_status
	// syncreq), by agent id.
	PendingGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error)
	// AllGroups returns every agent's assignment, by agent id.
	AllGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error)
	// MarkGroupsSynced marks these assignments delivered, unless they changed since they were read.
	MarkGroupsSynced(ctx context.Context, sent []messages.AgentGroupsEntry) error
	// GlobalGroupHash is Wazuh's checksum of every agent's groups; false when no agent has one.
	GlobalGroupHash(ctx context.Context) (string, bool, error)
	// ApplyGroups overrides the groups of the listed agents (worker).
	ApplyGroups(ctx context.Context, entries []messages.AgentGroupsEntry) error
	// RecalculateGroupHashes recomputes every agent's group hash (after a full resync).
	RecalculateGroupHashes(ctx context.Context) error
	// RebuildShared rebuilds the merged.mg of the named groups, of every group when groups is
	// nil (master).
	RebuildShared(ctx context.Context, groups []string) error
}

// KeysImporter makes the store's agents match etc/client.keys.
type KeysImporter interface {
	// ImportKeys runs until done, ctx ends, or one of its transactions takes longer than step.
	ImportKeys(ctx context.Context, step time.Duration) error
}

// AgentLister lists and counts the agents of the master's store.
type AgentLister interface {
	// AgentsOverview lists every agent, the manager (000) first, as cluster_control -a shows
	// them.
	AgentsOverview(ctx context.Context) ([]messages.AgentOverview, error)
	// ActiveAgentsByNode counts the active agents per node name (cluster_control -i).
	ActiveAgentsByNode(ctx context.Context) (map[string]int, error)
}
