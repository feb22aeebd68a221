package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMillis bounds how long a statement waits for another process
// holding the write lock (for example a backup tool reading the file).
const busyTimeoutMillis = 5000

// Store is the agent database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	isNew  bool
	closed atomic.Bool
	cache  stmtCache
	// generation moves after every write transaction: what a reader derived from the store
	// (the DAPI executor's agent ids) stays valid while it does not.
	generation atomic.Uint64
	// selects are SelectGlobal's read-only connections.
	selects selectPool
	// checkpoints copies the log into the database file beside the writer.
	checkpoints *checkpointer
}

// Generation changes after every write transaction, committed or not. A value read before
// reading the store tags what was read: while Generation still returns it, nothing changed.
func (s *Store) Generation() uint64 { return s.generation.Load() }

// Option changes how Open treats the file it finds.
type Option func(*openOptions)

type openOptions struct {
	acceptBlank bool
	cacheMiB    int
}

// defaultCacheMiB is the page cache of the store's connection unless CacheMiB says otherwise.
// A worker importing 50,000 keys needs it: with 8 MiB for every node, 25 workers importing at
// once in Wazuh's benchmark shape each missed the import's deadline at every try (when the
// deadline still bounded the whole import), as the pages the inserts' indexes touch no longer
// fit and spill to the journal mid-transaction.
const defaultCacheMiB = 32

// CacheMiB sets the page cache of the store's connection. A master's agent-info documents,
// which update rows in place, measured the same with 16 MiB as with 32; with 8, documents that
// wait together took 40% longer (BenchmarkApplyAgentInfo25WorkersTogether).
func CacheMiB(n int) Option { return func(o *openOptions) { o.cacheMiB = n } }

// AcceptBlank makes Open take a file that exists but holds no table (ErrBlankFile) for a new
// database, when the caller knows nothing can have been lost.
func AcceptBlank() Option { return func(o *openOptions) { o.acceptBlank = true } }

// Open opens (creating it and its folders when missing) the database at
// path, applies the missing schema migrations and returns the store. A file
// written by a newer schema version is refused with ErrSchemaTooNew; a file
// that is not a database, with the driver's error. A file that exists but
// holds no table (SQLite takes a 0-byte file for an empty database) is
// refused with ErrBlankFile, unless AcceptBlank is given: this program never
// leaves one behind except when its very first start dies before the
// schema is written, so it is most likely a database that was truncated or
// replaced. A refused 0-byte file is not written to, so it stays refused.
func Open(path string, opts ...Option) (*Store, error) {
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, fmt.Errorf("open store: %w: empty path", ErrInvalidArgument)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	fi, statErr := os.Stat(abs)
	existed := statErr == nil
	// Connecting writes a 0-byte file's header (the WAL pragma): refuse it before that.
	if existed && fi.Size() == 0 && !walHoldsData(abs) && !o.acceptBlank {
		return nil, fmt.Errorf("open store %s: %w: an empty file (0 bytes)", path, ErrBlankFile)
	}
	if o.cacheMiB <= 0 {
		o.cacheMiB = defaultCacheMiB
	}
	db, err := sql.Open("sqlite", dataSourceName(abs, o.cacheMiB))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One connection: every statement is serialised in process, so write
	// transactions never race each other for the SQLite lock.
	keepOneConnection(db)

	s := &Store{db: db, path: abs}
	if err := s.init(context.Background(), existed && !o.acceptBlank); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.prepareHot(context.Background()); err != nil {
		s.closeStatements()
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if s.checkpoints, err = startCheckpointer(abs, s.Generation); err != nil {
		s.closeStatements()
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// dataSourceName builds the writer's URI: WAL journal, NORMAL synchronous
// (durable at checkpoints, never corrupt), foreign keys on and write
// transactions started IMMEDIATE so a lock conflict surfaces at BEGIN (where
// busy_timeout applies) instead of failing mid-transaction.
func dataSourceName(abs string, cacheMiB int) string {
	return connectionURI(abs, url.Values{"_txlock": {"immediate"}},
		"foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)", "temp_store(MEMORY)",
		// The page cache (CacheMiB): a store of 50,000 agents is about 41 MB.
		fmt.Sprintf("cache_size(%d)", -cacheMiB<<10),
		// Checkpoints are the checkpointer's (checkpoint.go); the writer's is only a bound.
		fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointPages),
		fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit))
}

// keepOneConnection makes db a single connection, opened once and kept.
func keepOneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

// connectionURI is the modernc.org/sqlite URI of a connection to the file at abs that waits
// busyTimeoutMillis for a lock and runs pragmas (each "name(value)") when it opens; params are
// the driver's other settings.
func connectionURI(abs string, params url.Values, pragmas ...string) string {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// init checks the connection's settings and migrates the schema. With
// refuseBlank, a file without any table is refused before anything is
// written to it.
func (s *Store) init(ctx context.Context, refuseBlank bool) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	if fk != 1 {
		return errors.New("foreign keys are not enabled")
	}
	if refuseBlank {
		var tables int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&tables); err != nil {
			return fmt.Errorf("read the schema: %w", err)
		}
		if tables == 0 {
			return fmt.Errorf("%w: a database without tables", ErrBlankFile)
		}
	}
	created, err := migrate(ctx, s.db)
	if err != nil {
		return err
	}
	empty, err := s.neverHeldAgents(ctx)
	if err != nil {
		return err
	}
	s.isNew = created || empty
	return nil
}

// walHoldsData reports a non-empty write-ahead log beside the database: a
// 0-byte database file with one is a store that never checkpointed, not a
// blank file.
func walHoldsData(abs string) bool {
	fi, err := os.Stat(abs + "-wal")
	return err == nil && fi.Size() > 0
}

// neverHeldAgents reports a database that has no agent row, no removed
// client.keys entry and never allocated an id: a file created but never
// filled (for example when the first start stopped before importing).
func (s *Store) neverHeldAgents(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM agent) + (SELECT COUNT(*) FROM removed_keys) +
		(SELECT COALESCE(MAX(last_id), 0) FROM id_counter)`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count agents: %w", err)
	}
	return n == 0, nil
}

// Close closes the database; closing twice is harmless. Every other method
// returns ErrClosed afterwards.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.closeStatements()
	if err := errors.Join(s.checkpoints.close(), s.selects.close()); err != nil {
		_ = s.db.Close()
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// IsNew reports whether the database held no agent when it was opened: Open
// created the schema, or the file never received an agent. The node then
// imports an existing client.keys.
func (s *Store) IsNew() bool { return s.isNew }

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// queryer is what reads need from either the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// write runs fn in one write transaction, committing when fn succeeds.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.tx(ctx, op, nil, fn)
}

// read runs fn in a read transaction so multi-statement reads see one snapshot.
func (s *Store) read(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.tx(ctx, op, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) tx(ctx context.Context, op string, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	return s.txOn(ctx, op, s.db.BeginTx, opts, fn)
}

// txOn runs fn in a transaction begun by begin (on the pool, or on one connection).
func (s *Store) txOn(ctx context.Context, op string, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error),
	opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := begin(ctx, opts)
	if err != nil {
		return s.wrap(op, err)
	}
	if opts == nil || !opts.ReadOnly {
		defer s.generation.Add(1)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// wrap adds the operation name and turns the errors of a database closed
// underneath a call into ErrClosed.
func (s *Store) wrap(op string, err error) error {
	if s.closed.Load() && !errors.Is(err, ErrClosed) {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	return fmt.Errorf("%s: %w", op, err)
}
