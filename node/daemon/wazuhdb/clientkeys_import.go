package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// ImportClientKeys makes the agents equal to the active entries, in one
// transaction: missing agents are inserted, agents not listed are deleted
// (with their labels and memberships), and a changed name, ip or key is
// updated; every other column of an existing row is kept. Key positions
// follow the order of the active entries. The removed entries replace the
// stored removed ones. It serves the first start over an existing
// client.keys (IsNew) and a worker receiving the master's client.keys.
// removed counts the agents deleted.
func (s *Store) ImportClientKeys(ctx context.Context, entries []clientkeys.Entry) (added, removed, updated int, err error) {
	if err := validateImport(entries); err != nil {
		return 0, 0, 0, fmt.Errorf("import client keys: %w", err)
	}
	now := time.Now().Unix()
	err = s.write(ctx, "import client keys", func(tx *sql.Tx) error {
		existing, err := keyedRows(ctx, tx)
		if err != nil {
			return err
		}
		update, err := tx.PrepareContext(ctx, `UPDATE agent SET name = ?, register_ip = ?, internal_key = ?, key_pos = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer update.Close()
		move, err := tx.PrepareContext(ctx, `UPDATE agent SET key_pos = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer move.Close()
		insert, err := tx.PrepareContext(ctx, `INSERT INTO agent (id, name, ip, register_ip, internal_key, date_add, key_pos)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insert.Close()

		pos := int64(0)
		listed := make(map[int]bool, len(entries))
		for _, e := range entries {
			if e.Removed {
				continue
			}
			listed[e.ID] = true
			row, ok := existing[e.ID]
			switch {
			case !ok:
				if _, err := insert.ExecContext(ctx, e.ID, e.Name, e.IP, e.IP, e.Key, now, pos); err != nil {
					return fmt.Errorf("insert agent %03d: %w", e.ID, err)
				}
				added++
			case row.name != e.Name || row.ip != e.IP || row.key != e.Key:
				if _, err := update.ExecContext(ctx, e.Name, e.IP, e.Key, pos, e.ID); err != nil {
					return fmt.Errorf("update agent %03d: %w", e.ID, err)
				}
				updated++
			case !row.pos.Valid || row.pos.Int64 != pos:
				if _, err := move.ExecContext(ctx, pos, e.ID); err != nil {
					return fmt.Errorf("move agent %03d: %w", e.ID, err)
				}
			}
			pos++
		}
		for id, row := range existing {
			// A row without a key was named by the master's agent-groups before its
			// client.keys line reached this node (the two travel separately): an older
			// client.keys does not list it yet, and deleting it would drop its groups.
			if listed[id] || row.key == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM agent WHERE id = ?`, id); err != nil {
				return fmt.Errorf("delete agent %03d: %w", id, err)
			}
			removed++
		}
		return replaceRemovedKeys(ctx, tx, entries)
	})
	if err != nil {
		return 0, 0, 0, err
	}
	return added, removed, updated, nil
}

func validateImport(entries []clientkeys.Entry) error {
	active := make(map[int]bool, len(entries))
	for i, e := range entries {
		if e.ID < 1 || e.ID > clientkeys.MaxAgentID {
			return fmt.Errorf("%w: entry %d: bad id %d", clientkeys.ErrMalformed, i+1, e.ID)
		}
		name := e.Name
		if e.Removed && name != "" {
			// A removed name may itself start with '!' or '#'; only the
			// blank/control rule matters for it.
			name = "x" + name
		}
		if err := clientkeys.CheckFields(name, e.IP, e.Key); err != nil {
			return fmt.Errorf("%w: entry %d (id %03d): %v", clientkeys.ErrMalformed, i+1, e.ID, err)
		}
		if e.Removed {
			continue
		}
		// Agents named with a leading '.' before Wazuh 4.14.6 refused it are still agents.
		if err := messages.CheckAgentName(e.Name); err != nil && !errors.Is(err, messages.ErrAgentNameLeadingDot) {
			return fmt.Errorf("%w: entry %d (id %03d): %q: %w", clientkeys.ErrMalformed, i+1, e.ID, messages.ClipForLog(e.Name), err)
		}
		if active[e.ID] {
			return fmt.Errorf("%w: entry %d: id %03d listed twice", clientkeys.ErrMalformed, i+1, e.ID)
		}
		active[e.ID] = true
	}
	return nil
}

type keyedRow struct {
	name, ip, key string
	pos           sql.NullInt64
}

func keyedRows(ctx context.Context, tx *sql.Tx) (map[int]keyedRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, COALESCE(register_ip, ''), COALESCE(internal_key, ''), key_pos FROM agent`)
	if err != nil {
		return nil, fmt.Errorf("read agents: %w", err)
	}
	defer rows.Close()
	m := make(map[int]keyedRow)
	for rows.Next() {
		var (
			id int
			r  keyedRow
		)
		if err := rows.Scan(&id, &r.name, &r.ip, &r.key, &r.pos); err != nil {
			return nil, fmt.Errorf("read agents: %w", err)
		}
		m[id] = r
	}
	return m, rows.Err()
}

func replaceRemovedKeys(ctx context.Context, tx *sql.Tx, entries []clientkeys.Entry) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM removed_keys`); err != nil {
		return fmt.Errorf("clear removed entries: %w", err)
	}
	for _, e := range entries {
		if !e.Removed {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO removed_keys (id, name, ip, key) VALUES (?, ?, ?, ?)`,
			e.ID, e.Name, e.IP, e.Key); err != nil {
			return fmt.Errorf("insert removed entry %03d: %w", e.ID, err)
		}
	}
	return nil
}
