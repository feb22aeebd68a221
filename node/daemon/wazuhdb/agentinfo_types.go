package wazuhdb

import "fmt"

// AgentInfoBatch is what a worker ships to the master in one agent-info
// synchronisation, split as wazuh-db's GET /v1/agents/sync splits it by
// sync_status: full rows ("syncreq"), keepalive-only rows
// ("syncreq_keepalive") and connection-status rows ("syncreq_status").
// Marks names every row read, with the write sequence it had, so the worker
// can mark exactly those rows synced once the master confirmed.
type AgentInfoBatch struct {
	Syncreq   []Agent
	Keepalive []AgentKeepalive
	Status    []AgentStatus
	Marks     []SyncMark
}

// AgentKeepalive is a "syncreq_keepalive" item: the agent is alive.
type AgentKeepalive struct {
	ID      int
	Version string
}

// AgentStatus is a "syncreq_status" item: the agent's connection changed.
type AgentStatus struct {
	ID                int
	Version           string
	ConnectionStatus  string
	DisconnectionTime int64
	StatusCode        int
}

// SyncMark identifies one pending row as it was read: its id and info_seq.
type SyncMark struct {
	ID  int
	Seq int64
}

// Empty reports a batch with nothing to send.
func (b AgentInfoBatch) Empty() bool {
	return len(b.Syncreq) == 0 && len(b.Keepalive) == 0 && len(b.Status) == 0
}

// Sync status values of the agent table's sync_status column.
const (
	syncSynced          = "synced"
	syncReq             = "syncreq"
	syncReqKeepalive    = "syncreq_keepalive"
	syncReqStatus       = "syncreq_status"
	statusActive        = "active"
	statusPending       = "pending"
	statusDisconnected  = "disconnected"
	statusNeverConnect  = "never_connected"
	groupConfigSynced   = "synced"
	groupConfigUnsynced = "not synced"
)

// validSyncStatus checks the sync argument of the Record* writes.
func validSyncStatus(sync string) error {
	switch sync {
	case syncSynced, syncReq, syncReqKeepalive, syncReqStatus:
		return nil
	}
	return fmt.Errorf("%w: sync status %q", ErrInvalidArgument, sync)
}

// knownConnectionStatus returns s when the agent table accepts it and nil
// otherwise, so a bad value from a peer keeps the stored one instead of
// failing the CHECK constraint and with it the whole transaction.
func knownConnectionStatus(s string) any {
	switch s {
	case statusNeverConnect, statusPending, statusActive, statusDisconnected:
		return s
	}
	return nil
}

// knownGroupConfigStatus is knownConnectionStatus for group_config_status.
func knownGroupConfigStatus(s string) any {
	switch s {
	case groupConfigSynced, groupConfigUnsynced:
		return s
	}
	return nil
}
