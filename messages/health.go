package messages

import (
	"bytes"
	"sort"
	"time"
)

// NotAvailable is the date Wazuh reports before a task first ran.
const NotAvailable = "n/a"

// healthDateLayout is Wazuh's DECIMALS_DATE_FORMAT, '%Y-%m-%dT%H:%M:%S.%fZ', in UTC.
const healthDateLayout = "2006-01-02T15:04:05.000000Z"

// FormatDate renders t as health dates are written ("2024-05-01T10:00:00.250000Z", UTC), or
// "n/a" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return NotAvailable
	}
	return t.UTC().Format(healthDateLayout)
}

// Health is the get_health answer (§13.2): {"n_connected_nodes": n, "nodes": {name: ...}}.
// NConnectedNodes counts the selected workers. Order lists node names in the order they are
// written; nodes it omits follow, workers by name and then the master, which is where Wazuh
// puts the master (it adds it after the workers).
type Health struct {
	NConnectedNodes int
	Nodes           map[string]NodeHealth
	Order           []string
}

// NodeHealth is one node's entry; Status is nil for the master, which reports only "info".
type NodeHealth struct {
	Info   HealthInfo
	Status *WorkerStatus
}

// HealthInfo is the "info" block of a node's health entry.
type HealthInfo struct {
	Name          string
	Type          string
	Version       string
	IP            string
	NActiveAgents int
}

// WorkerStatus is the "status" block the master keeps for each worker (MasterHandler.to_dict).
type WorkerStatus struct {
	SyncIntegrityFree      bool
	LastCheckIntegrity     IntegrityCheckStatus
	LastSyncIntegrity      IntegritySyncStatus
	SyncAgentInfoFree      bool
	LastSyncAgentInfo      AgentInfoSyncStatus
	LastSyncAgentGroup     AgentGroupsSyncStatus
	LastSyncFullAgentGroup AgentGroupsSyncStatus
	LastKeepAlive          string
	// RulesetReloadPending is clusterd's addition ("ruleset_reload_pending", written only when
	// true): the last sync changed the worker's rules, decoders or lists, and the ruleset has
	// not been reloaded since. Wazuh leaves the reload to the operator.
	RulesetReloadPending bool
}

// IntegrityCheckStatus is "last_check_integrity".
type IntegrityCheckStatus struct {
	DateStartMaster string
	DateEndMaster   string
}

// IntegritySyncStatus is "last_sync_integrity". TotalFiles starts with the keys missing,
// shared, extra and extra_valid, and after a sync holds compare_files' missing, extra and
// shared.
type IntegritySyncStatus struct {
	DateStartMaster string
	DateEndMaster   string
	TotalExtraValid int
	TotalFiles      map[string]int
}

// AgentInfoSyncStatus is "last_sync_agentinfo".
type AgentInfoSyncStatus struct {
	DateStartMaster string
	DateEndMaster   string
	NSyncedChunks   int
}

// AgentGroupsSyncStatus is "last_sync_agentgroup" and "last_sync_full_agentgroup".
type AgentGroupsSyncStatus struct {
	DateStart     string
	DateEnd       string
	NSyncedChunks int
}

// NewWorkerStatus returns the status of a freshly connected worker: both permissions free,
// every date "n/a", no chunks, total_files with its four zero counters.
func NewWorkerStatus() WorkerStatus {
	return WorkerStatus{
		SyncIntegrityFree:  true,
		LastCheckIntegrity: IntegrityCheckStatus{DateStartMaster: NotAvailable, DateEndMaster: NotAvailable},
		LastSyncIntegrity: IntegritySyncStatus{DateStartMaster: NotAvailable, DateEndMaster: NotAvailable,
			TotalFiles: map[string]int{"missing": 0, "shared": 0, "extra": 0, "extra_valid": 0}},
		SyncAgentInfoFree:      true,
		LastSyncAgentInfo:      AgentInfoSyncStatus{DateStartMaster: NotAvailable, DateEndMaster: NotAvailable},
		LastSyncAgentGroup:     AgentGroupsSyncStatus{DateStart: NotAvailable, DateEnd: NotAvailable},
		LastSyncFullAgentGroup: AgentGroupsSyncStatus{DateStart: NotAvailable, DateEnd: NotAvailable},
		LastKeepAlive:          NotAvailable,
	}
}

// ParseHealthFilter decodes a get_health argument: null (or an empty payload) means every node,
// a list names the nodes wanted (an empty list wants none). Errors are *WazuhError
// (WazuhInternalError 1000).
func ParseHealthFilter(p []byte) ([]string, error) {
	if len(bytes.TrimSpace(p)) == 0 {
		return nil, nil
	}
	v, err := decodeOrdered(p)
	if err != nil {
		return nil, ErrInternal.With(err.Error())
	}
	if v == nil {
		return nil, nil
	}
	names, err := asStringList(v, "filter_node")
	if err != nil {
		return nil, ErrInternal.With(err.Error())
	}
	return names, nil
}

// orderedNames is the order nodes are written in: Order first, then the other workers by
// name, then the other masters by name.
func (h Health) orderedNames() []string {
	names := make([]string, 0, len(h.Nodes))
	placed := make(map[string]bool, len(h.Nodes))
	for _, name := range h.Order {
		if _, ok := h.Nodes[name]; ok && !placed[name] {
			names = append(names, name)
			placed[name] = true
		}
	}
	var workers, masters []string
	for name, n := range h.Nodes {
		switch {
		case placed[name]:
		case n.Info.Type == NodeTypeMaster:
			masters = append(masters, name)
		default:
			workers = append(workers, name)
		}
	}
	sort.Strings(workers)
	sort.Strings(masters)
	return append(append(names, workers...), masters...)
}

// Encode writes the document as Wazuh's json.dumps does, keys in Wazuh's order.
func (h Health) Encode() []byte {
	nodes := Object{}
	for _, name := range h.orderedNames() {
		nodes = append(nodes, Member{Key: name, Value: h.Nodes[name].object()})
	}
	return EncodeJSON(Object{
		{Key: "n_connected_nodes", Value: h.NConnectedNodes},
		{Key: "nodes", Value: nodes},
	})
}

func (n NodeHealth) object() Object {
	o := Object{{Key: "info", Value: Object{
		{Key: "name", Value: n.Info.Name},
		{Key: "type", Value: n.Info.Type},
		{Key: "version", Value: n.Info.Version},
		{Key: "ip", Value: n.Info.IP},
		{Key: "n_active_agents", Value: n.Info.NActiveAgents},
	}}}
	if n.Status != nil {
		o = append(o, Member{Key: "status", Value: n.Status.object()})
	}
	return o
}

func (s WorkerStatus) object() Object {
	o := Object{
		{Key: "sync_integrity_free", Value: s.SyncIntegrityFree},
		{Key: "last_check_integrity", Value: Object{
			{Key: "date_start_master", Value: s.LastCheckIntegrity.DateStartMaster},
			{Key: "date_end_master", Value: s.LastCheckIntegrity.DateEndMaster},
		}},
		{Key: "last_sync_integrity", Value: Object{
			{Key: "date_start_master", Value: s.LastSyncIntegrity.DateStartMaster},
			{Key: "date_end_master", Value: s.LastSyncIntegrity.DateEndMaster},
			{Key: "total_extra_valid", Value: s.LastSyncIntegrity.TotalExtraValid},
			{Key: "total_files", Value: totalFilesObject(s.LastSyncIntegrity.TotalFiles)},
		}},
		{Key: "sync_agent_info_free", Value: s.SyncAgentInfoFree},
		{Key: "last_sync_agentinfo", Value: Object{
			{Key: "date_start_master", Value: s.LastSyncAgentInfo.DateStartMaster},
			{Key: "date_end_master", Value: s.LastSyncAgentInfo.DateEndMaster},
			{Key: "n_synced_chunks", Value: s.LastSyncAgentInfo.NSyncedChunks},
		}},
		{Key: "last_sync_agentgroup", Value: s.LastSyncAgentGroup.object()},
		{Key: "last_sync_full_agentgroup", Value: s.LastSyncFullAgentGroup.object()},
		{Key: "last_keep_alive", Value: s.LastKeepAlive},
	}
	if s.RulesetReloadPending {
		o = append(o, Member{Key: "ruleset_reload_pending", Value: true})
	}
	return o
}

func (s AgentGroupsSyncStatus) object() Object {
	return Object{
		{Key: "date_start", Value: s.DateStart},
		{Key: "date_end", Value: s.DateEnd},
		{Key: "n_synced_chunks", Value: s.NSyncedChunks},
	}
}

// Key orders of total_files: the initial dict, and compare_files' classification once a sync ran.
var (
	initialTotalFilesOrder = []string{"missing", "shared", "extra", "extra_valid"}
	syncedTotalFilesOrder  = []string{"missing", "extra", "shared"}
)

// totalFilesObject writes total_files in the order Wazuh has it: the initial order while the
// extra_valid counter is there, compare_files' order after a sync; unknown keys follow by name.
func totalFilesObject(counts map[string]int) Object {
	order := syncedTotalFilesOrder
	if _, ok := counts["extra_valid"]; ok {
		order = initialTotalFilesOrder
	}
	o := Object{}
	for _, k := range order {
		if n, ok := counts[k]; ok {
			o = append(o, Member{Key: k, Value: n})
		}
	}
	for _, m := range SortedObject(counts) {
		if !contains(order, m.Key) {
			o = append(o, m)
		}
	}
	return o
}
