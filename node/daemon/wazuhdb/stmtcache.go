package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
)

// stmtCache keeps the prepared form of the statements every keepalive runs, so SQLite does not
// parse them again each time (parsing was a fifth of a busy node's CPU). The store has one
// connection, so a statement prepared once serves every transaction.
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
	groupNamesOfSQL,
}

// prepareHot prepares hotStatements; called by Open before any transaction.
func (s *Store) prepareHot(ctx context.Context) error {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	s.cache.stmts = make(map[string]*sql.Stmt, len(hotStatements)+len(groupStatements))
	for _, q := range slices.Concat(hotStatements, groupStatements) {
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
	s.cache.mu.Lock()
	st, ok := s.cache.stmts[query]
	s.cache.mu.Unlock()
	if ok {
		return tx.StmtContext(ctx, st), nil
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
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
	s.cache.mu.Lock()
	st, ok := s.cache.stmts[query]
	s.cache.mu.Unlock()
	if !ok {
		return s.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}
