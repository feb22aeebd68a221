package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RemoveAgent deletes the agent, its labels and memberships. As Wazuh's
// keystore does, the entry holding the last client.keys position moves into
// the freed one. Unless purge, the client.keys entry is kept as a removed
// ("!") entry, whose id still counts for allocation.
func (s *Store) RemoveAgent(ctx context.Context, id int, purge bool) error {
	return s.write(ctx, fmt.Sprintf("remove agent %03d", id), func(tx *sql.Tx) error {
		var (
			name    string
			ip, key sql.NullString
			pos     sql.NullInt64
		)
		err := tx.QueryRowContext(ctx, `SELECT name, register_ip, internal_key, key_pos FROM agent WHERE id = ?`, id).
			Scan(&name, &ip, &key, &pos)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrAgentNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete row: %w", err)
		}
		if !pos.Valid {
			// Never had a client.keys line (a row created by a groups sync).
			return nil
		}
		if err := fillKeyPosition(ctx, tx, pos.Int64); err != nil {
			return err
		}
		if purge || key.String == "" {
			return nil
		}
		regIP := ip.String
		if regIP == "" {
			regIP = "any"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO removed_keys (id, name, ip, key) VALUES (?, ?, ?, ?)`,
			id, name, regIP, key.String)
		if err != nil {
			return fmt.Errorf("keep removed entry: %w", err)
		}
		return nil
	})
}

// fillKeyPosition moves the entry with the highest position into freed, so
// positions stay dense (OS_DeleteKey moves the last key into the hole).
func fillKeyPosition(ctx context.Context, tx *sql.Tx, freed int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE agent SET key_pos = ?
		WHERE key_pos = (SELECT MAX(key_pos) FROM agent) AND key_pos > ?`, freed, freed)
	if err != nil {
		return fmt.Errorf("move last key into position %d: %w", freed, err)
	}
	return nil
}
