package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
)

// Status codes of a disconnected agent, as wazuh-db stores them.
const (
	statusCodeNoKeepalive = 4 // monitord found no keepalive in time
	statusCodeReset       = 5 // remoted restarted
)

// DisconnectStale is monitord's disconnect-agents: every active or pending
// agent (id > 0) whose last keepalive is older than olderThan becomes
// disconnected at now with status code 4. It returns their ids in order.
// monitord passes "synced" on every node: each node decides on its own copy.
func (s *Store) DisconnectStale(ctx context.Context, olderThan int64, sync string, now int64) ([]int, error) {
	const op = "disconnect stale agents"
	if err := validSyncStatus(sync); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var ids []int
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, `SELECT id FROM agent
			WHERE id > 0 AND connection_status IN ('active', 'pending') AND `+LastKeepaliveSQL+` < ?
			ORDER BY id`, olderThan)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		update, err := tx.PrepareContext(ctx, disconnectedSQL)
		if err != nil {
			return err
		}
		defer update.Close()
		for _, id := range ids {
			if _, err := update.ExecContext(ctx, now, statusCodeNoKeepalive, sync, sync, sync, id); err != nil {
				return fmt.Errorf("agent %03d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// ResetConnections is remoted's reset-agents-connection at start: every
// active or pending agent (but the manager's row) becomes disconnected at
// now with status code 5. Wazuh marks them all synced, which on a worker
// that was killed drops the agent-info it never saw confirmed; here a row
// still waiting to be synced stays pending, as a full row (its status
// changed too), so the master gets what the agent last reported there. A
// row already synced stays synced: the reset is this node's business, and
// the agent may be reporting to another node by now.
func (s *Store) ResetConnections(ctx context.Context, now int64) error {
	return s.write(ctx, "reset agent connections", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE agent SET connection_status = 'disconnected',
			status_code = ?, disconnection_time = ?,
			sync_status = CASE sync_status WHEN 'synced' THEN 'synced' ELSE 'syncreq' END,
			info_seq = info_seq + 1
			WHERE connection_status IN ('active', 'pending') AND id != 0`, statusCodeReset, now)
		return err
	})
}
