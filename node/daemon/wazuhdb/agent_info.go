package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
)

// updateInfoSQL follows wazuh-db's agent-info update (sync-agent-info-set):
// the keepalive-derived columns. register_ip and the key belong to
// client.keys and the groups to set-agent-groups, so they are not touched.
// An empty name, connection_status, group_config_status or sync_status keeps
// the stored value (those columns can never be blank); a zero date_add too.
const updateInfoSQL = `UPDATE agent SET
	name = COALESCE(NULLIF(?, ''), name),
	ip = ?, os_name = ?, os_version = ?, os_major = ?, os_minor = ?, os_codename = ?,
	os_build = ?, os_platform = ?, os_uname = ?, os_arch = ?, version = ?, config_sum = ?,
	merged_sum = ?, manager_host = ?, node_name = ?,
	date_add = COALESCE(NULLIF(?, 0), date_add),
	last_keepalive = ?,
	connection_status = COALESCE(NULLIF(?, ''), connection_status),
	disconnection_time = ?,
	group_config_status = COALESCE(NULLIF(?, ''), group_config_status),
	status_code = ?,
	sync_status = COALESCE(NULLIF(?, ''), sync_status),
	labels_digest = NULL
	WHERE id = ?`

// UpdateAgentInfo stores what a keepalive (or a worker's agent-info sync)
// says about an agent: every column but id, key, register_ip, groups and key
// position; its labels are replaced. ErrAgentNotFound when there is no row.
func (s *Store) UpdateAgentInfo(ctx context.Context, a Agent) error {
	n, err := s.updateInfo(ctx, fmt.Sprintf("update agent %03d info", a.ID), []Agent{a})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("update agent %03d info: %w", a.ID, ErrAgentNotFound)
	}
	return nil
}

// UpdateAgentsInfo is UpdateAgentInfo for many agents in one transaction;
// unknown ids are skipped, as wazuh-db does. It returns how many were updated.
func (s *Store) UpdateAgentsInfo(ctx context.Context, agents []Agent) (int, error) {
	return s.updateInfo(ctx, "update agents info", agents)
}

func (s *Store) updateInfo(ctx context.Context, op string, agents []Agent) (int, error) {
	updated := 0
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		updated = 0
		update, err := tx.PrepareContext(ctx, updateInfoSQL)
		if err != nil {
			return err
		}
		defer update.Close()
		clearLabels, err := tx.PrepareContext(ctx, `DELETE FROM labels WHERE id = ?`)
		if err != nil {
			return err
		}
		defer clearLabels.Close()
		addLabel, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO labels (id, key, value) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer addLabel.Close()

		for _, a := range agents {
			res, err := update.ExecContext(ctx,
				a.Name, nullString(a.IP), nullString(a.OSName), nullString(a.OSVersion),
				nullString(a.OSMajor), nullString(a.OSMinor), nullString(a.OSCodename),
				nullString(a.OSBuild), nullString(a.OSPlatform), nullString(a.OSUname),
				nullString(a.OSArch), nullString(a.Version), nullString(a.ConfigSum),
				nullString(a.MergedSum), nullString(a.ManagerHost), nullString(a.NodeName),
				a.DateAdd, nullInt(a.LastKeepalive), a.ConnectionStatus, a.DisconnectionTime,
				a.GroupConfigStatus, a.StatusCode, a.SyncStatus, a.ID)
			if err != nil {
				return fmt.Errorf("agent %03d: %w", a.ID, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("agent %03d: %w", a.ID, err)
			}
			if n == 0 {
				continue
			}
			updated++
			if _, err := clearLabels.ExecContext(ctx, a.ID); err != nil {
				return fmt.Errorf("agent %03d labels: %w", a.ID, err)
			}
			for _, l := range a.Labels {
				if _, err := addLabel.ExecContext(ctx, a.ID, l.Key, l.Value); err != nil {
					return fmt.Errorf("agent %03d label %q: %w", a.ID, l.Key, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return updated, nil
}
