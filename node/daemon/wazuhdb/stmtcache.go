package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
)

// stmtCache keeps the prepared form of the statements every keepalive and every agent-info
// document runs, so SQLite does not parse them again each time (parsing was a fifth of a busy
// node's CPU). The store has one connection, so a statement prepared once serves every
// transaction.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// hotStatements are prepared when the store opens: the writes and reads of every keepalive,
// and the read of a batch of default-group requests (with groupStatements, its writes).
// (The store's single connection is busy inside a transaction, so a statement can only be
// prepared for reuse outside one.)
var hotStatements = []string{
	recordKeepaliveSQL, keepaliveSQL, statusCodeSQL, disconnectedSQL,
	`DELETE FROM labels WHERE id = ?`,
	`INSERT OR REPLACE INTO labels (id, key, value) VALUES (?, ?, ?)`,
	agentWhereSQL("id = ?"), agentWhereSQL("name = ?"), agentWhereSQL("register_ip = ?"),
	groupNamesOfSQL, markedSQL,
}

// agentInfoStatements are the multi-row statements of an agent-info apply (see
// rowsStatement) at their padded sizes (see rowsStatement.paddedSize), up to each shape's
// keptRows. Parsing them again in every document's transaction was a fifth of the master's
// cost of applying the documents at rest, and, while agents arrive, a twentieth of the
// master's CPU.
var agentInfoStatements = func() []string {
	var out []string
	for _, shape := range agentInfoShapes {
		kept := shape.keptRows()
		for size := minPaddedRows; ; size *= 2 {
			out = append(out, rowsQuery(shape.sql, min(size, kept), shape.width))
			if size >= kept {
				break
			}
		}
	}
	return out
}()

// rowsShape is one multi-row statement of an agent-info apply: its SQL (with the VALUES
// placeholder), the width of a row, and whether every document at rest runs it.
type rowsShape struct {
	sql    string
	width  int
	atRest bool
}

// keptRows is the largest execution of the shape the store keeps prepared. The statements of
// every document at rest (keepalives, their marking as synced) are kept at every size: a
// worker's document holds as many keepalives as it has agents. The others (full rows, labels,
// statuses) are kept up to rareRowsCached rows: an execution of more rows comes with a first
// sync, where the parse is a small share of the work; at every size they took 10.5 MB of the
// master's memory, up to 256 rows 2.5 MB.
func (sh rowsShape) keptRows() int {
	if sh.atRest {
		return rowsPerExec(sh.width)
	}
	return min(rowsPerExec(sh.width), rareRowsCached)
}

// statement returns the shape's statement for one transaction, taking the store's prepared
// ones through cached.
func (sh rowsShape) statement(ctx context.Context, tx *sql.Tx,
	cached func(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, bool)) *rowsStatement {
	st := newRowsStatement(ctx, tx, sh.sql, sh.width)
	st.cached = cached
	return st
}

// rareRowsCached bounds keptRows for the shapes not run at rest.
const rareRowsCached = 256

// The shapes of an agent-info apply.
var (
	syncreqRows      = rowsShape{sql: applySyncreqSQL, width: applySyncreqWidth}
	addressRows      = rowsShape{sql: applyAddressSQL, width: 3}
	digestRows       = rowsShape{sql: applyDigestSQL, width: 2}
	clearLabelsRows  = rowsShape{sql: clearLabelsSQL, width: 1}
	insertLabelsRows = rowsShape{sql: insertLabelsSQL, width: 3}
	keepaliveRows    = rowsShape{sql: applyKeepaliveSQL, width: applyKeepaliveWidth, atRest: true}
	aliveRows        = rowsShape{sql: applyAliveSQL, width: applyAliveWidth, atRest: true}
	statusRows       = rowsShape{sql: applyStatusSQL, width: applyStatusWidth}
	syncedRows       = rowsShape{sql: markSyncedSQL, width: 1, atRest: true}

	agentInfoShapes = []rowsShape{syncreqRows, addressRows, digestRows, clearLabelsRows, insertLabelsRows,
		keepaliveRows, aliveRows, statusRows, syncedRows}

	// renameRows is not kept prepared: a worker renames an agent only when its client.keys
	// entry changed under the same id.
	renameRows = rowsShape{sql: applyRenameSQL, width: 2}
)

// prepareHot prepares hotStatements, groupStatements and agentInfoStatements; called by Open
// before any transaction.
func (s *Store) prepareHot(ctx context.Context) error {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	all := slices.Concat(hotStatements, groupStatements, agentInfoStatements)
	s.cache.stmts = make(map[string]*sql.Stmt, len(all))
	for _, q := range all {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %.40q: %w", q, err)
		}
		s.cache.stmts[q] = st
	}
	return nil
}

// stmt returns query's statement bound to tx: the prepared one when query is hot, else one
// prepared for this transaction only.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.cached(ctx, tx, query); ok {
		return st, nil
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
}

// cached returns query's prepared statement bound to tx, if query is one of the store's hot
// statements.
func (s *Store) cached(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, bool) {
	st, ok := s.cache.lookup(query)
	if !ok {
		return nil, false
	}
	return tx.StmtContext(ctx, st), true
}

// lookup returns query's statement prepared when the store opened, if query is hot.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	return st, ok
}

// execCached runs a cached statement in tx.
func (s *Store) execCached(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// closeStatements releases the cached statements (before the database closes).
func (s *Store) closeStatements() {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	for _, st := range s.cache.stmts {
		_ = st.Close()
	}
	s.cache.stmts = nil
}

// queryCached runs a cached statement on its own, outside any transaction.
func (s *Store) queryCached(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, ok := s.cache.lookup(query)
	if !ok {
		return s.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}
