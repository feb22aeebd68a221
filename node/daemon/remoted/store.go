package remoted

import (
	"context"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// Store is the agent-status database as remoted writes it (Wazuh's wazuh-db
// "global" commands). now and olderThan are Unix seconds; sync is the
// sync_status value to store.
type Store interface {
	// RecordStartup: connection_status "pending" (update-keepalive).
	RecordStartup(ctx context.Context, id int, sync string) error
	// RecordKeepalive: the keepalive's data, connection_status "active",
	// last_keepalive = now (update-agent-data).
	RecordKeepalive(ctx context.Context, id int, d KeepaliveData, sync string, now int64) error
	// RecordKeepaliveOnly: connection_status "active", last_keepalive = now,
	// disconnection_time and status_code cleared (update-keepalive).
	RecordKeepaliveOnly(ctx context.Context, id int, sync string, now int64) error
	// RecordStatusCode: a refused startup (update-status-code); version is
	// "Wazuh <v>" with code 1, empty with code 2.
	RecordStatusCode(ctx context.Context, id int, code int, version, sync string) error
	// RecordDisconnected: connection_status "disconnected" with status_code
	// code and disconnection_time = now (update-connection-status).
	RecordDisconnected(ctx context.Context, id int, code int, sync string, now int64) error
	// DisconnectStale disconnects (code 4) every active or pending agent whose
	// last keepalive is older than olderThan and returns their ids.
	DisconnectStale(ctx context.Context, olderThan int64, sync string, now int64) ([]int, error)
	// ResetConnections disconnects (code 5) every active or pending agent.
	ResetConnections(ctx context.Context, now int64) error
	// AgentGroups returns the agent's groups in order (none: empty).
	AgentGroups(ctx context.Context, id int) ([]string, error)
}

// KeepaliveData is what a keepalive stores (update-agent-data).
type KeepaliveData struct {
	Version, ConfigSum, MergedSum, ManagerHost, NodeName, AgentIP string
	// Labels are the agent's labels followed by the system labels remoted
	// appends: _manager_hostname, _agent_ip (when known), _node_name,
	// _wazuh_version.
	Labels []agentproto.Label
	OS     agentproto.OSInfo
	// GroupConfigStatus is "not synced" when a merged.mg push is needed, else "synced".
	GroupConfigStatus string
}

// GroupAssigner gives an agent without a group its group (master: "default",
// written "empty only"; a worker asks the master). It is called when a
// keepalive reports a merged.mg line and the agent has no group.
type GroupAssigner func(ctx context.Context, id int, mergedSum string) ([]string, error)

// sync_status values (agent §3.6).
const (
	syncSynced          = "synced"
	syncReq             = "syncreq"
	syncReqKeepalive    = "syncreq_keepalive"
	syncReqStatus       = "syncreq_status"
	groupConfigSynced   = "synced"
	groupConfigUnsynced = "not synced"
)

// syncStatus is the value a worker writes, or "synced" on the master.
func (s *Server) syncStatus(worker string) string {
	if s.cfg.Worker {
		return worker
	}
	return syncSynced
}
