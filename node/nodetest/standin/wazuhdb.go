package standin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// WazuhDBOptions shape a stand-in wazuh-db.
type WazuhDBOptions struct {
	// Worker is wazuh-db on a worker node: set-agent-groups in override mode then needs each
	// agent's name, and creates the agents it does not have (wdb_global_set_agent_groups).
	Worker bool
	// NodeName is the manager's node name, on its own agent (000) row.
	NodeName string
}

// WazuhDB is a running stand-in wazuh-db (see the package documentation). Its methods are safe
// for concurrent use.
type WazuhDB struct {
	home string
	opts WazuhDBOptions
	db   *sql.DB
	// mu serialises the database work, as wazuh-db's global database is one connection.
	mu sync.Mutex

	life     sync.Mutex // Start, Stop, Close
	listener net.Listener
	server   *http.Server
	conns    map[net.Conn]struct{}
	connsMu  sync.Mutex
	serving  sync.WaitGroup
	closed   bool
	stmts    map[string]*sql.Stmt // prepared once, under mu
	faults   faults
	counters counters
}

// counters count what the stand-in was asked.
type counters struct {
	mu       sync.Mutex
	commands map[string]int // by the first two words of the command
	requests map[string]int // by "METHOD path"
}

// SocketPath and HTTPSocketPath are where a stand-in under home listens: wazuh-db's own paths.
func SocketPath(home string) string { return filepath.Join(home, "queue", "db", "wdb") }

// HTTPSocketPath is wazuh-db's HTTP socket under home.
func HTTPSocketPath(home string) string {
	return filepath.Join(home, "queue", "sockets", "wdb-http.sock")
}

// StartWazuhDB creates an empty global database (the manager's own agent 000 in it) and serves
// both sockets under home.
func StartWazuhDB(home string, opts WazuhDBOptions) (*WazuhDB, error) {
	db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, fmt.Errorf("stand-in wazuh-db: %w", err)
	}
	// One connection, kept: an in-memory database lives as long as its connection.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	w := &WazuhDB{home: home, opts: opts, db: db, conns: map[net.Conn]struct{}{}, stmts: map[string]*sql.Stmt{}}
	w.counters.commands, w.counters.requests = map[string]int{}, map[string]int{}
	if err := w.create(); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := w.Start(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return w, nil
}

func (w *WazuhDB) create() error {
	for _, stmt := range schema {
		if _, err := w.db.Exec(stmt); err != nil {
			return fmt.Errorf("stand-in wazuh-db schema: %w", err)
		}
	}
	host, _ := os.Hostname()
	_, err := w.db.Exec("INSERT INTO agent (id, ip, register_ip, name, date_add, last_keepalive, `group`, connection_status, "+
		"version, node_name, sync_status, group_config_status) VALUES (0, '127.0.0.1', '127.0.0.1', ?, strftime('%s','now'), "+
		"253402300799, NULL, 'active', 'Wazuh v4.14.7', ?, 'synced', 'synced')", host, w.opts.NodeName)
	if err != nil {
		return fmt.Errorf("stand-in wazuh-db: the manager's row: %w", err)
	}
	return nil
}

// Start serves both sockets (again, after Stop), with the database as Stop left it.
func (w *WazuhDB) Start() error {
	w.life.Lock()
	defer w.life.Unlock()
	if w.closed {
		return errors.New("stand-in wazuh-db: closed")
	}
	if w.listener != nil {
		return nil
	}
	ln, err := listenUnix(SocketPath(w.home))
	if err != nil {
		return err
	}
	hln, err := listenUnix(HTTPSocketPath(w.home))
	if err != nil {
		_ = ln.Close()
		return err
	}
	w.listener = ln
	w.server = &http.Server{Handler: w.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
	w.serving.Add(2)
	go func() {
		defer w.serving.Done()
		w.acceptLoop(ln)
	}()
	go func() {
		defer w.serving.Done()
		_ = w.server.Serve(hln)
	}()
	return nil
}

// Stop closes both sockets and every open connection, as a wazuh-db that went down: requests
// fail to connect until Start. The database is kept.
func (w *WazuhDB) Stop() {
	w.life.Lock()
	defer w.life.Unlock()
	w.stopLocked()
}

func (w *WazuhDB) stopLocked() {
	if w.listener == nil {
		return
	}
	_ = w.listener.Close()
	_ = w.server.Close()
	w.connsMu.Lock()
	for c := range w.conns {
		_ = c.Close()
	}
	w.connsMu.Unlock()
	w.serving.Wait()
	w.listener, w.server = nil, nil
	_ = os.Remove(SocketPath(w.home))
	_ = os.Remove(HTTPSocketPath(w.home))
}

// Close stops the stand-in for good and frees its database.
func (w *WazuhDB) Close() {
	w.life.Lock()
	defer w.life.Unlock()
	w.stopLocked()
	if !w.closed {
		w.closed = true
		w.mu.Lock()
		for _, st := range w.stmts {
			_ = st.Close()
		}
		w.mu.Unlock()
		_ = w.db.Close()
	}
}

// listenUnix listens on a fresh socket file at path, in a folder made if needed, mode 0660 as
// the manager's daemons make theirs.
func listenUnix(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
		return nil, fmt.Errorf("stand-in socket %s: %w", path, err)
	}
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("stand-in socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("stand-in socket %s: %w", path, err)
	}
	return ln, nil
}

// exec runs a statement prepared once (the per-agent statements of the HTTP endpoints, as
// wazuh-db's own are). The caller holds mu.
func (w *WazuhDB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := w.stmts[query]
	if !ok {
		var err error
		if st, err = w.db.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		w.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

// withDB runs fn on the database, one caller at a time.
func (w *WazuhDB) withDB(fn func(ctx context.Context, db *sql.DB) error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fn(context.Background(), w.db)
}
