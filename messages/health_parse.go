package messages

import "fmt"

// ParseHealth decodes a get_health answer (any JSON spacing). Order records the document order
// of the nodes. Unknown keys are ignored; missing or mistyped ones are refused.
func ParseHealth(p []byte) (Health, error) {
	o, err := decodeObjectPayload(p)
	if err != nil {
		return Health{}, fmt.Errorf("parse health: %w", err)
	}
	r := objectReader{o: o}
	h := Health{NConnectedNodes: r.int("n_connected_nodes"), Nodes: map[string]NodeHealth{}}
	nodes := r.object("nodes")
	if r.err != nil {
		return Health{}, fmt.Errorf("parse health: %w", r.err)
	}
	for _, m := range nodes {
		entry, err := parseNodeHealth(m.Value)
		if err != nil {
			return Health{}, fmt.Errorf("parse health of node %q: %w", m.Key, err)
		}
		if _, dup := h.Nodes[m.Key]; !dup {
			h.Order = append(h.Order, m.Key)
		}
		h.Nodes[m.Key] = entry
	}
	return h, nil
}

func parseNodeHealth(v any) (NodeHealth, error) {
	o, err := asObject(v, "node")
	if err != nil {
		return NodeHealth{}, err
	}
	r := objectReader{o: o}
	info := r.sub("info")
	n := NodeHealth{Info: HealthInfo{
		Name:          info.str("name"),
		Type:          info.str("type"),
		Version:       info.str("version"),
		IP:            info.str("ip"),
		NActiveAgents: info.int("n_active_agents"),
	}}
	if err := firstError(r.err, info.err); err != nil {
		return NodeHealth{}, err
	}
	if _, ok := o.Get("status"); ok {
		status, err := parseWorkerStatus(r.object("status"))
		if err := firstError(r.err, err); err != nil {
			return NodeHealth{}, err
		}
		n.Status = &status
	}
	return n, nil
}

func parseWorkerStatus(o Object) (WorkerStatus, error) {
	r := objectReader{o: o}
	check, sync, info := r.sub("last_check_integrity"), r.sub("last_sync_integrity"), r.sub("last_sync_agentinfo")
	s := WorkerStatus{
		SyncIntegrityFree: r.bool("sync_integrity_free"),
		LastCheckIntegrity: IntegrityCheckStatus{
			DateStartMaster: check.str("date_start_master"),
			DateEndMaster:   check.str("date_end_master"),
		},
		LastSyncIntegrity: IntegritySyncStatus{
			DateStartMaster: sync.str("date_start_master"),
			DateEndMaster:   sync.str("date_end_master"),
			TotalExtraValid: sync.int("total_extra_valid"),
			TotalFiles:      sync.counts("total_files"),
		},
		SyncAgentInfoFree: r.bool("sync_agent_info_free"),
		LastSyncAgentInfo: AgentInfoSyncStatus{
			DateStartMaster: info.str("date_start_master"),
			DateEndMaster:   info.str("date_end_master"),
			NSyncedChunks:   info.int("n_synced_chunks"),
		},
		LastSyncAgentGroup:     r.groupsStatus("last_sync_agentgroup"),
		LastSyncFullAgentGroup: r.groupsStatus("last_sync_full_agentgroup"),
		LastKeepAlive:          r.str("last_keep_alive"),
		RulesetReloadPending:   r.optBool("ruleset_reload_pending"),
	}
	return s, firstError(r.err, check.err, sync.err, info.err)
}

func (r *objectReader) groupsStatus(key string) AgentGroupsSyncStatus {
	sub := r.sub(key)
	s := AgentGroupsSyncStatus{
		DateStart:     sub.str("date_start"),
		DateEnd:       sub.str("date_end"),
		NSyncedChunks: sub.int("n_synced_chunks"),
	}
	if r.err == nil {
		r.err = sub.err
	}
	return s
}
