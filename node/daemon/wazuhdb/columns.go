package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Columns names the result columns of statements over global.db's tables without running
// them on any data: an empty database of the same schema, in memory, prepares each statement
// and reports its columns as SQLite names them. A `global sql` answer leaves a row's NULL
// columns out of its object, so its reader needs the names to put every value in its place.
// The zero value is ready; Close releases the in-memory database.
type Columns struct {
	once sync.Once
	db   *sql.DB
	err  error

	mu    sync.Mutex
	cache map[string][]string
}

// columnsCacheSize bounds the names kept: the framework's statements repeat (one shape per
// listing and filter set), and a statement with other literals is a new entry.
const columnsCacheSize = 512

func (c *Columns) open(ctx context.Context) error {
	c.once.Do(func() {
		// One connection: every connection to ":memory:" is a database of its own.
		db, err := sql.Open("sqlite", "file::memory:")
		if err != nil {
			c.err = fmt.Errorf("open the schema database: %w", err)
			return
		}
		db.SetMaxOpenConns(1)
		if _, err := migrate(ctx, db); err != nil {
			_ = db.Close()
			c.err = fmt.Errorf("create the schema database: %w", err)
			return
		}
		if _, err := db.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
			_ = db.Close()
			c.err = fmt.Errorf("make the schema database read-only: %w", err)
			return
		}
		c.db = db
	})
	return c.err
}

// Of returns the names of the result columns of statement (its arguments bound or not).
func (c *Columns) Of(ctx context.Context, statement string, args ...any) ([]string, error) {
	c.mu.Lock()
	if cols, ok := c.cache[statement]; ok {
		c.mu.Unlock()
		return cols, nil
	}
	c.mu.Unlock()
	if err := c.open(ctx); err != nil {
		return nil, err
	}
	if args == nil {
		args = []any{}
	}
	rows, err := c.db.QueryContext(ctx, statement, args...)
	if err != nil {
		return nil, readOnlyError(err)
	}
	cols, err := rows.Columns()
	_ = rows.Close()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.cache == nil || len(c.cache) >= columnsCacheSize {
		c.cache = make(map[string][]string)
	}
	c.cache[statement] = cols
	c.mu.Unlock()
	return cols, nil
}

// Close releases the in-memory database.
func (c *Columns) Close() error {
	c.once.Do(func() { c.err = sql.ErrConnDone })
	if c.db != nil {
		return c.db.Close()
	}
	return nil
}
