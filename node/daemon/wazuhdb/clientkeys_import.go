package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
// client.keys (IsNew), where a crash must leave all or nothing. removed
// counts the agents deleted.
func (s *Store) ImportClientKeys(ctx context.Context, entries []clientkeys.Entry) (added, removed, updated int, err error) {
	return s.importClientKeys(ctx, entries, 0, 0)
}

// keysImportBatch is how many client.keys entries one transaction of
// SyncClientKeys applies.
const keysImportBatch = 1000

// SyncClientKeys makes the agents equal to the active entries as
// ImportClientKeys does, in transactions of keysImportBatch entries and a
// last one that deletes the agents not listed: a worker receiving the
// master's client.keys. Each transaction keeps what it applied, so an import
// cut short goes on where it stopped the next time instead of starting again
// from nothing. step, when above 0, bounds each transaction rather than the
// whole import: a store that stops answering ends it within step, while
// 100,000 agents on a loaded machine, which take longer than any one
// deadline, are imported as long as every batch goes through.
func (s *Store) SyncClientKeys(ctx context.Context, entries []clientkeys.Entry, step time.Duration) (added, removed, updated int, err error) {
	return s.importClientKeys(ctx, entries, keysImportBatch, step)
}

// importClientKeys applies the entries batch at a time, all in one transaction
// when batch is 0; each transaction ends after step (when above 0) or with ctx.
func (s *Store) importClientKeys(ctx context.Context, entries []clientkeys.Entry, batch int, step time.Duration) (added, removed, updated int, err error) {
	if err := validateImport(entries); err != nil {
		return 0, 0, 0, fmt.Errorf("import client keys: %w", err)
	}
	var active []clientkeys.Entry
	for _, e := range entries {
		if !e.Removed {
			active = append(active, e)
		}
	}
	now := time.Now().Unix()
	if batch <= 0 {
		err = s.write(ctx, "import client keys", func(tx *sql.Tx) error {
			a, u, err := applyKeys(ctx, tx, active, 0, now, true)
			if err != nil {
				return err
			}
			added, updated = a, u
			removed, err = deleteUnlisted(ctx, tx, active)
			if err != nil {
				return err
			}
			return replaceRemovedKeys(ctx, tx, entries)
		})
		if err != nil {
			return 0, 0, 0, err
		}
		return added, removed, updated, nil
	}
	for from := 0; from < len(active); from += batch {
		chunk := active[from:min(from+batch, len(active))]
		var a, u int
		err := s.writeStep(ctx, step, func(ctx context.Context, tx *sql.Tx) error {
			var err error
			a, u, err = applyKeys(ctx, tx, chunk, int64(from), now, false)
			return err
		})
		if err != nil {
			return added, 0, updated, err
		}
		added, updated = added+a, updated+u
	}
	err = s.writeStep(ctx, step, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if removed, err = deleteUnlisted(ctx, tx, active); err != nil {
			return err
		}
		return replaceRemovedKeys(ctx, tx, entries)
	})
	return added, removed, updated, err
}

// writeStep runs one transaction of an import, bounded by step when above 0.
func (s *Store) writeStep(ctx context.Context, step time.Duration, fn func(context.Context, *sql.Tx) error) error {
	if step > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, step)
		defer cancel()
	}
	return s.write(ctx, "import client keys", func(tx *sql.Tx) error { return fn(ctx, tx) })
}

// applyKeys inserts or updates the agents of active entries, the first at key
// position pos; the stored rows are read whole (all) or for these ids only.
// Rows already equal are left alone, so applying again is cheap.
func applyKeys(ctx context.Context, tx *sql.Tx, active []clientkeys.Entry, pos, now int64, all bool) (added, updated int, err error) {
	var existing map[int]keyedRow
	if all {
		existing, err = keyedRows(ctx, tx, nil)
	} else {
		ids := make([]int, len(active))
		for i, e := range active {
			ids[i] = e.ID
		}
		existing, err = keyedRows(ctx, tx, ids)
	}
	if err != nil {
		return 0, 0, err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE agent SET name = ?, register_ip = ?, internal_key = ?, key_pos = ? WHERE id = ?`)
	if err != nil {
		return 0, 0, err
	}
	defer update.Close()
	move, err := tx.PrepareContext(ctx, `UPDATE agent SET key_pos = ? WHERE id = ?`)
	if err != nil {
		return 0, 0, err
	}
	defer move.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO agent (id, name, ip, register_ip, internal_key, date_add, key_pos)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, 0, err
	}
	defer insert.Close()
	for _, e := range active {
		row, ok := existing[e.ID]
		switch {
		case !ok:
			if _, err := insert.ExecContext(ctx, e.ID, e.Name, e.IP, e.IP, e.Key, now, pos); err != nil {
				return added, updated, fmt.Errorf("insert agent %03d: %w", e.ID, err)
			}
			added++
		case row.name != e.Name || row.ip != e.IP || row.key != e.Key:
			if _, err := update.ExecContext(ctx, e.Name, e.IP, e.Key, pos, e.ID); err != nil {
				return added, updated, fmt.Errorf("update agent %03d: %w", e.ID, err)
			}
			updated++
		case !row.pos.Valid || row.pos.Int64 != pos:
			if _, err := move.ExecContext(ctx, pos, e.ID); err != nil {
				return added, updated, fmt.Errorf("move agent %03d: %w", e.ID, err)
			}
		}
		pos++
	}
	return added, updated, nil
}

// deleteUnlisted deletes the agents that have a key and are not among the
// active entries.
func deleteUnlisted(ctx context.Context, tx *sql.Tx, active []clientkeys.Entry) (removed int, err error) {
	existing, err := keyedRows(ctx, tx, nil)
	if err != nil {
		return 0, err
	}
	listed := make(map[int]bool, len(active))
	for _, e := range active {
		listed[e.ID] = true
	}
	for id, row := range existing {
		// A row without a key was named by the master's agent-groups before its
		// client.keys line reached this node (the two travel separately): an older
		// client.keys does not list it yet, and deleting it would drop its groups.
		if listed[id] || row.key == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent WHERE id = ?`, id); err != nil {
			return removed, fmt.Errorf("delete agent %03d: %w", id, err)
		}
		removed++
	}
	return removed, nil
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

// keyedRows reads the stored agents' key fields: all of them when ids is nil.
func keyedRows(ctx context.Context, tx *sql.Tx, ids []int) (map[int]keyedRow, error) {
	query := `SELECT id, name, COALESCE(register_ip, ''), COALESCE(internal_key, ''), key_pos FROM agent`
	var args []any
	if ids != nil {
		if len(ids) == 0 {
			return map[int]keyedRow{}, nil
		}
		query += ` WHERE id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		args = make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read agents: %w", err)
	}
	defer rows.Close()
	m := make(map[int]keyedRow, len(ids))
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
