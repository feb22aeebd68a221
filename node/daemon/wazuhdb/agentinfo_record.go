package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// KeepaliveData is what remoted stores from one agent keepalive (wazuh-db's
// update-agent-data). Empty strings are stored as NULL, as wazuh-db stores
// absent values; an empty AgentIP or GroupConfigStatus keeps the stored one.
type KeepaliveData struct {
	Version, ConfigSum, MergedSum, ManagerHost, NodeName, AgentIP string
	Labels                                                        []Label
	OSName, OSVersion, OSMajor, OSMinor, OSCodename, OSPlatform   string
	OSBuild, OSUname, OSArch                                      string
	GroupConfigStatus                                             string
}

// nextSyncStatusSQL is wazuh-db's sync status validation
// (wdb_global_validate_sync_status): a pending full update ('syncreq') is
// never downgraded to a keepalive or status update, nor a pending status
// update to a keepalive one, so no change is lost before it is sent. It
// takes the requested status three times.
const nextSyncStatusSQL = `CASE
		WHEN ? = 'syncreq_keepalive' AND sync_status IN ('syncreq', 'syncreq_status') THEN sync_status
		WHEN ? = 'syncreq_status' AND sync_status = 'syncreq' THEN sync_status
		ELSE ? END`

// Every write below bumps info_seq, so a worker that read the row for the
// master before this write does not mark it synced afterwards.

const recordKeepaliveSQL = `UPDATE agent SET
	os_name = ?, os_version = ?, os_major = ?, os_minor = ?, os_codename = ?, os_platform = ?,
	os_build = ?, os_uname = ?, os_arch = ?, version = ?, config_sum = ?, merged_sum = ?,
	manager_host = ?, node_name = ?, ip = COALESCE(NULLIF(?, ''), ip),
	group_config_status = COALESCE(?, group_config_status),
	last_keepalive = ?, connection_status = 'active', disconnection_time = 0, status_code = 0,
	sync_status = ` + nextSyncStatusSQL + `, info_seq = info_seq + 1, labels_digest = NULL
	WHERE id = ?`

// keepaliveSQL is wazuh-db's update-keepalive; the connection status is
// bound ('active' or 'pending').
const keepaliveSQL = `UPDATE agent SET
	last_keepalive = ?, connection_status = ?, disconnection_time = 0, status_code = 0,
	sync_status = ` + nextSyncStatusSQL + `, info_seq = info_seq + 1
	WHERE id = ?`

// statusCodeSQL is wazuh-db's update-status-code; an empty version keeps the
// stored one.
const statusCodeSQL = `UPDATE agent SET
	status_code = ?, version = COALESCE(NULLIF(?, ''), version),
	sync_status = ` + nextSyncStatusSQL + `, info_seq = info_seq + 1
	WHERE id = ?`

// disconnectedSQL is wazuh-db's update-connection-status to 'disconnected'.
const disconnectedSQL = `UPDATE agent SET
	connection_status = 'disconnected', disconnection_time = ?, status_code = ?,
	sync_status = ` + nextSyncStatusSQL + `, info_seq = info_seq + 1
	WHERE id = ?`

// RecordStartup stores an accepted startup message: the agent is pending
// until its first keepalive (wazuh-db's update-keepalive with
// connection_status 'pending', last_keepalive = now). sync is how the write
// is marked for the cluster: "synced" on a master, "syncreq_status" on a
// worker. ErrAgentNotFound when there is no such agent.
func (s *Store) RecordStartup(ctx context.Context, id int, sync string) error {
	return s.recordOne(ctx, fmt.Sprintf("record agent %03d startup", id), sync, id, keepaliveSQL,
		time.Now().Unix(), statusPending)
}

// RecordKeepalive stores a keepalive (wazuh-db's update-agent-data): the
// agent and OS columns from d, labels replaced by d.Labels, active,
// last_keepalive = now, disconnection time and status code cleared. sync is
// "synced" on a master, "syncreq" or "syncreq_keepalive" on a worker.
func (s *Store) RecordKeepalive(ctx context.Context, id int, d KeepaliveData, sync string, now int64) error {
	if d.GroupConfigStatus != "" && knownGroupConfigStatus(d.GroupConfigStatus) == nil {
		return fmt.Errorf("record agent %03d keepalive: %w: group config status %q", id, ErrInvalidArgument, d.GroupConfigStatus)
	}
	op := fmt.Sprintf("record agent %03d keepalive", id)
	if err := validSyncStatus(sync); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		res, err := s.execCached(ctx, tx, recordKeepaliveSQL,
			nullString(d.OSName), nullString(d.OSVersion), nullString(d.OSMajor), nullString(d.OSMinor),
			nullString(d.OSCodename), nullString(d.OSPlatform), nullString(d.OSBuild), nullString(d.OSUname),
			nullString(d.OSArch), nullString(d.Version), nullString(d.ConfigSum), nullString(d.MergedSum),
			nullString(d.ManagerHost), nullString(d.NodeName), d.AgentIP,
			knownGroupConfigStatus(d.GroupConfigStatus), now, sync, sync, sync, id)
		if err := requireOneRow(res, err); err != nil {
			return err
		}
		if _, err := s.execCached(ctx, tx, `DELETE FROM labels WHERE id = ?`, id); err != nil {
			return fmt.Errorf("clear labels: %w", err)
		}
		for _, l := range d.Labels {
			if _, err := s.execCached(ctx, tx, `INSERT OR REPLACE INTO labels (id, key, value) VALUES (?, ?, ?)`, id, l.Key, l.Value); err != nil {
				return fmt.Errorf("label %q: %w", l.Key, err)
			}
		}
		return nil
	})
}

// RecordKeepaliveOnly stores a keepalive identical to the previous one
// (wazuh-db's update-keepalive 'active'): only liveness changes.
func (s *Store) RecordKeepaliveOnly(ctx context.Context, id int, sync string, now int64) error {
	return s.recordOne(ctx, fmt.Sprintf("record agent %03d keepalive", id), sync, id, keepaliveSQL,
		now, statusActive)
}

// RecordStatusCode stores why a startup was refused (wazuh-db's
// update-status-code): 1 version too new (version is the agent's), 2 version
// not received (version empty, the stored one is kept).
func (s *Store) RecordStatusCode(ctx context.Context, id int, code int, version string, sync string) error {
	return s.recordOne(ctx, fmt.Sprintf("record agent %03d status code", id), sync, id, statusCodeSQL,
		code, version)
}

// RecordDisconnected marks the agent disconnected at now with the status
// code (3 shutdown received, 4 no keepalive, 5 reset by the manager).
func (s *Store) RecordDisconnected(ctx context.Context, id int, code int, sync string, now int64) error {
	return s.recordOne(ctx, fmt.Sprintf("record agent %03d disconnection", id), sync, id, disconnectedSQL,
		now, code)
}

// recordOne runs one of the single-row writes above: args, then the sync
// status (three times, see nextSyncStatusSQL), then the id.
func (s *Store) recordOne(ctx context.Context, op, sync string, id int, query string, args ...any) error {
	if err := validSyncStatus(sync); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	args = append(args, sync, sync, sync, id)
	return s.write(ctx, op, func(tx *sql.Tx) error {
		res, err := s.execCached(ctx, tx, query, args...)
		return requireOneRow(res, err)
	})
}

func requireOneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrAgentNotFound
	}
	return nil
}
