package wazuhdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// writeUnchecked runs fn in a write transaction that can have SQLite compile its statements
// without the table's CHECK constraints: fn calls uncheck before the statements that should be
// (it may call it again; only the first call counts). It is for writers that bind only values
// they checked themselves: the agent table's CHECK on connection_status is an IN list of four
// values, which SQLite evaluates by building a temporary index for every row written, a
// quarter of the cost of applying a worker's agent-info (BenchmarkApplyAgentInfo100k). NOT
// NULL, UNIQUE and foreign keys still hold.
//
// The setting belongs to the connection, so the transaction runs on one connection held for
// the whole time: no other writer can run between turning the checks off and back on. If they
// cannot be turned back on, the connection is discarded rather than reused. Changing the setting
// expires every statement prepared on the connection, the store's hot statements included;
// SQLite prepares each again at its next use, with the checks as they are then. That is why
// the checks are turned off only when asked: a master's agent-info at rest is keepalives only,
// whose statements write no checked column at rest and stay prepared from one document to the
// next.
func (s *Store) writeUnchecked(ctx context.Context, op string, fn func(tx *sql.Tx, uncheck func() error) error) error {
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	defer conn.Close()
	unchecked := false
	defer func() {
		if !unchecked {
			return
		}
		if _, resetErr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA ignore_check_constraints = 0`); resetErr != nil {
			// The transaction's outcome stands; the connection is closed, not reused unchecked,
			// and the pool opens a new one, checks on, for the next statement.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return s.txOn(ctx, op, conn.BeginTx, nil, func(tx *sql.Tx) error {
		return fn(tx, func() error {
			if unchecked {
				return nil
			}
			// Set before the attempt: a failure may have changed it all the same.
			unchecked = true
			if _, err := tx.ExecContext(ctx, `PRAGMA ignore_check_constraints = 1`); err != nil {
				return fmt.Errorf("turn CHECK constraints off: %w", err)
			}
			return nil
		})
	})
}
