package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
)

// PendingAgentInfo is the worker's read of wazuh-db's GET /v1/agents/sync:
// the agents (id > 0) whose sync_status is not 'synced', split by status,
// lowest ids first, at most limit of them (limit <= 0: all). Syncreq rows
// carry the columns the sync sends and their labels (not the key, register
// IP, groups or date added). Unlike wazuh-db
// it marks nothing: once the master confirmed, pass Marks to
// MarkAgentInfoSynced.
func (s *Store) PendingAgentInfo(ctx context.Context, limit int) (AgentInfoBatch, error) {
	var b AgentInfoBatch
	err := s.read(ctx, "pending agent info", func(tx *sql.Tx) error {
		b = AgentInfoBatch{}
		query := "SELECT " + pendingColumns + ` FROM agent
			WHERE id > 0 AND sync_status IN ('syncreq', 'syncreq_keepalive', 'syncreq_status')
			ORDER BY id`
		args := []any{}
		if limit > 0 {
			query += " LIMIT ?"
			args = append(args, limit)
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		index := make(map[int]int) // syncreq agent id -> position in b.Syncreq
		for rows.Next() {
			a, seq, err := scanPending(rows)
			if err != nil {
				rows.Close()
				return err
			}
			b.Marks = append(b.Marks, SyncMark{ID: a.ID, Seq: seq})
			switch a.SyncStatus {
			case syncReq:
				index[a.ID] = len(b.Syncreq)
				b.Syncreq = append(b.Syncreq, a)
			case syncReqKeepalive:
				b.Keepalive = append(b.Keepalive, AgentKeepalive{ID: a.ID, Version: a.Version})
			case syncReqStatus:
				b.Status = append(b.Status, AgentStatus{ID: a.ID, Version: a.Version,
					ConnectionStatus: a.ConnectionStatus, DisconnectionTime: a.DisconnectionTime,
					StatusCode: a.StatusCode})
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(b.Syncreq) == 0 {
			return nil
		}
		return attachPendingLabels(ctx, tx, b.Syncreq, index)
	})
	if err != nil {
		return AgentInfoBatch{}, err
	}
	return b, nil
}

// pendingColumns is what the agent-info sync sends, NULLs read as "" and 0
// so rows scan straight into strings (a 100,000-agent read allocates far
// less than through scanAgent's nullable wrappers).
const pendingColumns = `id, name, IFNULL(ip, ''), IFNULL(os_name, ''), IFNULL(os_version, ''),
	IFNULL(os_major, ''), IFNULL(os_minor, ''), IFNULL(os_codename, ''), IFNULL(os_build, ''),
	IFNULL(os_platform, ''), IFNULL(os_uname, ''), IFNULL(os_arch, ''), IFNULL(version, ''),
	IFNULL(config_sum, ''), IFNULL(merged_sum, ''), IFNULL(manager_host, ''),
	IFNULL(node_name, ''), IFNULL(` + LastKeepaliveSQL + `, 0), connection_status, disconnection_time,
	group_config_status, status_code, sync_status, info_seq`

func scanPending(rows *sql.Rows) (Agent, int64, error) {
	var (
		a   Agent
		seq int64
	)
	err := rows.Scan(&a.ID, &a.Name, &a.IP, &a.OSName, &a.OSVersion, &a.OSMajor, &a.OSMinor,
		&a.OSCodename, &a.OSBuild, &a.OSPlatform, &a.OSUname, &a.OSArch, &a.Version,
		&a.ConfigSum, &a.MergedSum, &a.ManagerHost, &a.NodeName, &a.LastKeepalive,
		&a.ConnectionStatus, &a.DisconnectionTime, &a.GroupConfigStatus, &a.StatusCode,
		&a.SyncStatus, &seq)
	return a, seq, err
}

// attachPendingLabels reads the labels of the syncreq agents with one query
// over the id range they span (same snapshot as the agents).
func attachPendingLabels(ctx context.Context, tx *sql.Tx, agents []Agent, index map[int]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT labels.id, labels.key, labels.value
		FROM labels JOIN agent ON agent.id = labels.id
		WHERE agent.sync_status = 'syncreq' AND labels.id BETWEEN ? AND ?
		ORDER BY labels.id, labels.key`, agents[0].ID, agents[len(agents)-1].ID)
	if err != nil {
		return fmt.Errorf("read labels: %w", err)
	}
	return attachLabelRows(rows, agents, index)
}

// markAgentInfoSyncedSQL marks a row synced only when it was not written
// since it was read. VALUES columns: id, info_seq.
const markAgentInfoSyncedSQL = `UPDATE OR FAIL agent SET sync_status = 'synced'
	FROM (VALUES ` + valuesPlaceholder + `) AS v
	WHERE agent.id = v.column1 AND agent.info_seq = v.column2 AND agent.sync_status != 'synced'`

// MarkAgentInfoSynced marks synced the rows PendingAgentInfo returned, once
// the master stored them; a row written again since (its info_seq moved)
// stays pending and is sent with the next synchronisation.
func (s *Store) MarkAgentInfoSynced(ctx context.Context, marks []SyncMark) error {
	if len(marks) == 0 {
		return nil
	}
	return s.write(ctx, "mark agent info synced", func(tx *sql.Tx) error {
		update := newRowsStatement(ctx, tx, markAgentInfoSyncedSQL, 2)
		defer update.close()
		_, err := update.exec(len(marks), func(i int, dst []any) { dst[0], dst[1] = marks[i].ID, marks[i].Seq })
		return err
	})
}
