package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// ErrReadOnly is returned by SelectGlobal for a statement that would write.
var ErrReadOnly = errors.New("the statement would change the database")

// SelectGlobal runs one read-only SQL statement over the agent tables (agent, labels,
// `group`, belongs: the columns of Wazuh's global.db) with args bound, and calls row with
// each result row: NULL as nil, integers as int64, text as string. It is the role of
// wazuh-db's "global sql" command, which Wazuh's framework builds its agent listings on
// (framework/wazuh/core/utils.py WazuhDBQuery): the caller writes the query. The connection
// is query-only while it runs, so a statement that would write fails with ErrReadOnly and
// changes nothing. row must not call the store: the store's one connection is busy.
func (s *Store) SelectGlobal(ctx context.Context, query string, args []any, row func(values []any) error) error {
	return s.read(ctx, "select", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
			return err
		}
		// The pragma belongs to the connection, not the transaction: put it back whatever
		// happens, on the same connection (the transaction's).
		defer func() { _, _ = tx.ExecContext(context.Background(), "PRAGMA query_only = OFF") }()
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return readOnlyError(err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		values := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = &values[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			for i, v := range values {
				if b, ok := v.([]byte); ok {
					values[i] = string(b)
				}
			}
			if err := row(values); err != nil {
				return err
			}
		}
		return readOnlyError(rows.Err())
	})
}

// readOnlyError marks SQLite's refusal under query_only.
func readOnlyError(err error) error {
	if err != nil && isReadOnlyRefusal(err) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// sqliteReadOnly is SQLITE_READONLY, the primary code of every read-only refusal.
const sqliteReadOnly = 8

func isReadOnlyRefusal(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqliteReadOnly
}
