package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"modernc.org/sqlite"
)

// ErrReadOnly is returned by SelectGlobal for a statement that would write.
var ErrReadOnly = errors.New("the statement would change the database")

// selectReaders is the number of read-only connections SelectGlobal runs on. The journal is
// WAL, so they read beside the store's writer instead of queueing behind it; two for the two
// cores the DAPI's requests share.
const selectReaders = 2

// maxPreparedSelects bounds the statements SelectGlobal keeps prepared. The DAPI functions
// write a few dozen shapes (their values are bound, so the text repeats); a shape met past the
// bound is parsed each time. Parsing the listings' statements (a WITH clause, the manager's
// row and the filters) was a third of a GET /agents for one agent.
const maxPreparedSelects = 128

// selectPool is SelectGlobal's read-only connections and the statements prepared on them.
type selectPool struct {
	once sync.Once
	db   *sql.DB
	err  error

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// SelectGlobal runs one read-only SQL statement over the agent tables (agent, labels,
// `group`, belongs: the columns of Wazuh's global.db) with args bound, and calls row with
// each result row: NULL as nil, integers as int64, text as string. It is the role of
// wazuh-db's "global sql" command, which Wazuh's framework builds its agent listings on
// (framework/wazuh/core/utils.py WazuhDBQuery): the caller writes the query. It runs on
// connections opened query-only (a statement that would write fails with ErrReadOnly and
// changes nothing), beside the store's writer, and sees what was committed when it started.
func (s *Store) SelectGlobal(ctx context.Context, query string, args []any, row func(values []any) error) error {
	if s.closed.Load() {
		return fmt.Errorf("select: %w", ErrClosed)
	}
	st, fresh, err := s.selects.statement(ctx, s.path, query)
	if err != nil {
		return s.wrap("select", readOnlyError(err))
	}
	err = runSelect(ctx, st, args, row)
	if fresh {
		s.selects.keep(query, st, err == nil)
	}
	if err != nil {
		return s.wrap("select", readOnlyError(err))
	}
	return nil
}

func runSelect(ctx context.Context, st *sql.Stmt, args []any, row func(values []any) error) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
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
	return rows.Err()
}

// open opens the read-only connections on first use.
func (p *selectPool) open(path string) error {
	p.once.Do(func() {
		db, err := sql.Open("sqlite", connectionURI(path, nil, "query_only(1)", "temp_store(MEMORY)", "cache_size(-8192)"))
		if err != nil {
			p.err = fmt.Errorf("open the read-only connections: %w", err)
			return
		}
		db.SetMaxOpenConns(selectReaders)
		db.SetMaxIdleConns(selectReaders)
		p.db = db
	})
	return p.err
}

// statement returns query prepared on the read-only connections: the kept one, or a fresh
// one that the caller hands to keep after its run.
func (p *selectPool) statement(ctx context.Context, path, query string) (st *sql.Stmt, fresh bool, err error) {
	if err := p.open(path); err != nil {
		return nil, false, err
	}
	p.mu.Lock()
	st, ok := p.stmts[query]
	p.mu.Unlock()
	if ok {
		return st, false, nil
	}
	st, err = p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	return st, true, nil
}

// keep remembers st for query when its first run went well (a statement that failed, such as
// one refused for writing, is not kept), else closes it.
func (p *selectPool) keep(query string, st *sql.Stmt, ran bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, have := p.stmts[query]; !ran || have || p.db == nil || len(p.stmts) >= maxPreparedSelects {
		_ = st.Close()
		return
	}
	if p.stmts == nil {
		p.stmts = make(map[string]*sql.Stmt)
	}
	p.stmts[query] = st
}

// close closes the kept statements and the connections (the store is closing).
func (p *selectPool) close() error {
	p.once.Do(func() { p.err = ErrClosed })
	p.mu.Lock()
	for _, st := range p.stmts {
		_ = st.Close()
	}
	p.stmts = nil
	db := p.db
	p.db = nil
	p.mu.Unlock()
	if db != nil {
		return db.Close()
	}
	return nil
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
