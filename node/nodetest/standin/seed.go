package standin

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Agent is an agent row as a test seeds it; zero fields take the table's defaults. DateAdd
// defaults to an hour ago, so the agent is older than any registration delta.
type Agent struct {
	ID               int
	Name, IP         string
	DateAdd          int64
	Version          string
	NodeName         string
	ConnectionStatus string
}

// AddAgent registers an agent as authd does (insert-agent): without groups, everything else
// at its default.
func (w *WazuhDB) AddAgent(a Agent) error {
	if a.DateAdd == 0 {
		a.DateAdd = time.Now().Add(-time.Hour).Unix()
	}
	if a.IP == "" {
		a.IP = "any"
	}
	return w.withDB(func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, "INSERT INTO agent (id, name, ip, register_ip, date_add, `group`, version, node_name, "+
			"connection_status) VALUES (?, ?, ?, ?, ?, NULL, NULLIF(?, ''), COALESCE(NULLIF(?, ''), 'unknown'), "+
			"COALESCE(NULLIF(?, ''), 'never_connected'))",
			a.ID, a.Name, a.IP, a.IP, a.DateAdd, a.Version, a.NodeName, a.ConnectionStatus)
		if err != nil {
			return fmt.Errorf("stand-in wazuh-db: add agent %d: %w", a.ID, err)
		}
		return nil
	})
}

// CreateGroup adds groups, as wazuh-db learns them from etc/shared (insert-agent-group).
func (w *WazuhDB) CreateGroup(names ...string) error {
	return w.withDB(func(ctx context.Context, db *sql.DB) error {
		for _, n := range names {
			if _, err := db.ExecContext(ctx, "INSERT OR IGNORE INTO `group` (name) VALUES (?)", n); err != nil {
				return fmt.Errorf("stand-in wazuh-db: create group %s: %w", n, err)
			}
		}
		return nil
	})
}

// Groups is an agent's groups by priority.
func (w *WazuhDB) Groups(id int) ([]string, error) {
	var groups []string
	err := w.withDB(func(ctx context.Context, _ *sql.DB) error {
		var err error
		groups, err = w.groupsOf(ctx, id)
		return err
	})
	return groups, err
}

// GlobalHash is the global group hash the stand-in would answer; ok is false for null.
func (w *WazuhDB) GlobalHash() (hash string, ok bool, err error) {
	err = w.withDB(func(ctx context.Context, _ *sql.DB) error {
		hash, ok, err = w.globalHash(ctx)
		return err
	})
	return hash, ok, err
}

// Row is an agent's row, column by column (NULL columns are absent), integers as int64.
type Row map[string]any

// Str is a text column ("" when NULL).
func (r Row) Str(column string) string {
	s, _ := r[column].(string)
	return s
}

// Int is an integer column (0 when NULL).
func (r Row) Int(column string) int64 {
	n, _ := r[column].(int64)
	return n
}

// Agent reads an agent's row; ok is false when there is none.
func (w *WazuhDB) Agent(id int) (row Row, ok bool, err error) {
	err = w.withDB(func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT * FROM agent WHERE id = ?", id)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		if !rows.Next() {
			return rows.Err()
		}
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row, ok = Row{}, true
		for i, c := range cols {
			switch v := values[i].(type) {
			case nil:
			case []byte:
				row[c] = string(v)
			default:
				row[c] = v
			}
		}
		return nil
	})
	return row, ok, err
}

// Labels are an agent's labels by key.
func (w *WazuhDB) Labels(id int) (map[string]string, error) {
	labels := map[string]string{}
	err := w.withDB(func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT key, value FROM labels WHERE id = ?", id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			labels[k] = v
		}
		return rows.Err()
	})
	return labels, err
}

// Exec runs a statement on the database behind the daemons' back: what remoted writes when an
// agent reports, or damage a test inflicts.
func (w *WazuhDB) Exec(statement string, args ...any) error {
	return w.withDB(func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, statement, args...)
		return err
	})
}

// Count runs a counting query (SELECT COUNT(*) ...).
func (w *WazuhDB) Count(query string, args ...any) (int, error) {
	var n int
	err := w.withDB(func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, query, args...).Scan(&n)
	})
	return n, err
}
