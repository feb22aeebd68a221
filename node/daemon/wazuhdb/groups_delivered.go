package wazuhdb

import (
	"context"
	"database/sql"
)

// MarkGroupsSynced marks the listed assignments as delivered to the workers
// (group_sync_status = 'synced'), but only where the agent's groups are still
// the ones that were sent: an assignment changed meanwhile stays 'syncreq' and
// goes out with the next broadcast. One transaction.
func (s *Store) MarkGroupsSynced(ctx context.Context, sent []AgentGroups) error {
	if len(sent) == 0 {
		return nil
	}
	return s.write(ctx, "mark agent-groups synced", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE agent SET group_sync_status = 'synced'
			WHERE id = ? AND group_sync_status = 'syncreq' AND COALESCE(group_hash, '') = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, a := range sent {
			if _, err := stmt.ExecContext(ctx, a.ID, GroupHash(a.Groups)); err != nil {
				return err
			}
		}
		return nil
	})
}
