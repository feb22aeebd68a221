package wazuhdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migration moves the schema from version index to index+1. Migrations run
// in order inside one transaction, so a file is never left half-migrated.
type migration struct {
	name  string
	apply func(ctx context.Context, tx *sql.Tx) error
}

// migrations is append-only: released entries never change, new schema
// changes are new entries.
var migrations = []migration{
	{name: "initial global schema", apply: execAll(schemaV1)},
	{name: "agent-info sync sequence", apply: execAll(schemaV2)},
	{name: "labels digest", apply: execAll(schemaV3)},
	{name: "replication applied index", apply: execAll(schemaV4)},
	{name: "replicated file tree", apply: execAll(schemaV5)},
	{name: "agent-info rows to finish", apply: execAll(schemaV6)},
	{name: "group hashes in id order", apply: execAll(schemaV7)},
	{name: "keepalives apart from the agent rows", apply: execAll(schemaV8)},
	{name: "agent CHECK constraints as comparisons", apply: agentChecksAsComparisons},
}

// schemaV1 mirrors Wazuh's src/wazuh_db/schema_global.sql (agent, labels,
// group, belongs) plus what client.keys needs: key_pos (the line of an active
// entry), removed_keys (the "!" lines) and id_counter (the highest id ever
// used, kept by triggers so ids are never reused even after a purge).
var schemaV1 = []string{
	`CREATE TABLE agent (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		ip TEXT,
		register_ip TEXT,
		internal_key TEXT,
		os_name TEXT,
		os_version TEXT,
		os_major TEXT,
		os_minor TEXT,
		os_codename TEXT,
		os_build TEXT,
		os_platform TEXT,
		os_uname TEXT,
		os_arch TEXT,
		version TEXT,
		config_sum TEXT,
		merged_sum TEXT,
		manager_host TEXT,
		node_name TEXT DEFAULT 'unknown',
		date_add INTEGER NOT NULL,
		last_keepalive INTEGER,
		connection_status TEXT NOT NULL DEFAULT 'never_connected'
			CHECK (connection_status IN ('never_connected', 'pending', 'active', 'disconnected')),
		disconnection_time INTEGER NOT NULL DEFAULT 0,
		group_config_status TEXT NOT NULL DEFAULT 'not synced'
			CHECK (group_config_status IN ('synced', 'not synced')),
		status_code INTEGER NOT NULL DEFAULT 0,
		` + "`group`" + ` TEXT,
		group_hash TEXT DEFAULT NULL,
		group_sync_status TEXT NOT NULL DEFAULT 'synced'
			CHECK (group_sync_status IN ('synced', 'syncreq')),
		sync_status TEXT NOT NULL DEFAULT 'synced'
			CHECK (sync_status IN ('synced', 'syncreq', 'syncreq_keepalive', 'syncreq_status')),
		key_pos INTEGER
	)`,
	`CREATE INDEX agent_name ON agent (name)`,
	`CREATE INDEX agent_ip ON agent (ip)`,
	`CREATE INDEX agent_register_ip ON agent (register_ip)`,
	`CREATE INDEX agent_group_sync_status ON agent (group_sync_status)`,
	`CREATE INDEX agent_sync_status ON agent (sync_status)`,
	`CREATE INDEX agent_key_pos ON agent (key_pos)`,
	`CREATE TABLE labels (
		id INTEGER NOT NULL REFERENCES agent (id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		PRIMARY KEY (id, key)
	)`,
	"CREATE TABLE `group` (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE)",
	"CREATE TABLE belongs (" + `
		id_group INTEGER NOT NULL REFERENCES ` + "`group`" + ` (id) ON DELETE CASCADE,
		id_agent INTEGER NOT NULL REFERENCES agent (id) ON DELETE CASCADE,
		priority INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (id_group, id_agent),
		UNIQUE (id_agent, priority)
	)`,
	`CREATE TABLE removed_keys (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id INTEGER NOT NULL,
		name TEXT NOT NULL,
		ip TEXT NOT NULL,
		key TEXT NOT NULL
	)`,
	`CREATE TABLE id_counter (
		only INTEGER PRIMARY KEY CHECK (only = 1),
		last_id INTEGER NOT NULL
	)`,
	`INSERT INTO id_counter (only, last_id) VALUES (1, 0)`,
	`CREATE TRIGGER agent_id_seen AFTER INSERT ON agent BEGIN
		UPDATE id_counter SET last_id = NEW.id WHERE last_id < NEW.id;
	END`,
	`CREATE TRIGGER removed_key_id_seen AFTER INSERT ON removed_keys BEGIN
		UPDATE id_counter SET last_id = NEW.id WHERE last_id < NEW.id;
	END`,
}

// schemaV2 adds info_seq, a per-agent write counter for the agent-info
// synchronisation. A worker reads its pending rows, sends them to the master
// and only then marks them synced; a row whose info_seq moved in between was
// written again meanwhile and must stay pending so the newer data is sent
// too. The Record* writes bump info_seq themselves; the trigger catches any
// other write that leaves a row pending (it does not fire on rows being
// marked synced, and SQLite does not recurse into it).
var schemaV2 = []string{
	`ALTER TABLE agent ADD COLUMN info_seq INTEGER NOT NULL DEFAULT 0`,
	`CREATE TRIGGER agent_info_seq AFTER UPDATE OF
		name, ip, os_name, os_version, os_major, os_minor, os_codename, os_build,
		os_platform, os_uname, os_arch, version, config_sum, merged_sum, manager_host,
		node_name, last_keepalive, connection_status, disconnection_time,
		group_config_status, status_code, sync_status ON agent
		WHEN NEW.sync_status != 'synced' AND NEW.info_seq = OLD.info_seq
	BEGIN
		UPDATE agent SET info_seq = OLD.info_seq + 1 WHERE id = NEW.id;
	END`,
}

// schemaV3 adds labels_digest, the digest of the labels a master last
// stored from a worker's agent-info (see labelsDigest). It lets the master
// skip rewriting labels that did not change, which is nearly always: a
// keepalive carries the agent's labels every time. NULL means unknown;
// every other writer of labels sets it so.
var schemaV3 = []string{
	`ALTER TABLE agent ADD COLUMN labels_digest BLOB`,
}

// schemaV4 adds the index of the last replicated-log entry applied to the store (a
// master-eligible node, node/ha): written in the store, it is exactly as durable as the
// changes it counts, and written after them, so it never says more was applied than was.
var schemaV4 = []string{
	`CREATE TABLE IF NOT EXISTS replication (
		only INTEGER PRIMARY KEY CHECK (only = 1),
		applied INTEGER NOT NULL
	)`,
}

// schemaV5 adds the generation and digest of the file tree (etc/shared, rules, decoders,
// lists) the acting master last distributed, replicated like the agents: a new acting master
// distributes its own tree only if it is that one.
var schemaV5 = []string{
	`CREATE TABLE IF NOT EXISTS file_tree (
		only INTEGER PRIMARY KEY CHECK (only = 1),
		generation INTEGER NOT NULL,
		digest TEXT NOT NULL
	)`,
}

// schemaV6 indexes the rows an agent-info apply marked as changed in name, ip, sync status or
// labels (labels_digest set to followMark), so that the apply finds those few rows without
// binding every agent of a document a second time. The mark lives only inside the apply's
// transaction: no committed row holds it, and the index is empty between applies.
var schemaV6 = []string{
	`CREATE INDEX IF NOT EXISTS agent_info_follow ON agent (id) WHERE labels_digest = X''`,
}

// schemaV7 holds every agent's group hash in id order, which is what the global group hash
// reads. The master computes that hash each time an agent's groups change; reading it from the
// table parsed every agent's whole row (system, version, sums, labels digest), and while 50,000
// agents were being assigned their default group that scan was half of the master's CPU. The
// agent-info writes never touch these two columns, so they never update this index.
var schemaV7 = []string{
	`CREATE INDEX IF NOT EXISTS agent_group_hash ON agent (id, group_hash) WHERE group_hash IS NOT NULL`,
}

// schemaV8 adds agent_keepalive, where the master writes the last keepalive of an agent that a
// worker reported only alive (wazuh-db's "syncreq_keepalive"): with 50,000 agents, that is
// 2,500 rows a second, and rewriting each agent's whole row for it, on pages spread over the
// table (a worker's agents are ids all over it), was most of the master's CPU at rest: every
// worker's document dirtied about a third of the table's pages, which its commit wrote to the
// journal. A row here is an id and a time, a few hundred to a page.
//
// A row here overrides agent.last_keepalive (read it through LastKeepaliveSQL), and only until
// the next write of agent.last_keepalive (a full agent-info row, a keepalive a worker records):
// the trigger removes the override then, so the later write wins, as in wazuh-db where every
// write sets the one column. The agent table keeps Wazuh's columns.
var schemaV8 = []string{
	`CREATE TABLE IF NOT EXISTS agent_keepalive (
		id INTEGER PRIMARY KEY REFERENCES agent (id) ON DELETE CASCADE,
		last_keepalive INTEGER NOT NULL
	)`,
	`CREATE TRIGGER IF NOT EXISTS agent_keepalive_overwritten AFTER UPDATE OF last_keepalive ON agent BEGIN
		DELETE FROM agent_keepalive WHERE id = NEW.id;
	END`,
}

// agentChecksAsComparisons (schema version 9) rewrites the CHECK constraints of the agent
// table from IN lists to chains of equalities that accept exactly the same values. SQLite
// evaluates an IN list of more than two values by building a temporary index of the list, for
// every row written: a quarter of the cost of applying a worker's agent-info. The earlier way
// around it, turning the checks off for the apply, expired every statement prepared on the
// store's connection, so each apply prepared its statements again; with equalities the checks
// stay on, cost next to nothing, and the statements stay prepared.
//
// The change is SQLite's documented procedure for changing constraints that do not affect the
// stored rows (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
// Changes"): edit the table's SQL in sqlite_schema and bump the schema cookie, in the
// migration's transaction. Each list must be found exactly as schemaV1 wrote it; otherwise the
// migration fails and the file is left as it was.
func agentChecksAsComparisons(ctx context.Context, tx *sql.Tx) error {
	var table string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'agent'`).Scan(&table); err != nil {
		return fmt.Errorf("read the agent table: %w", err)
	}
	for _, c := range agentChecks {
		in := c.inList()
		if strings.Count(table, in) != 1 {
			return fmt.Errorf("the agent table does not hold %q once", in)
		}
		table = strings.Replace(table, in, c.equalities(), 1)
	}
	if err := replaceTableSQL(ctx, tx, "agent", table); err != nil {
		return fmt.Errorf("rewrite the agent table's checks: %w", err)
	}
	return nil
}

// replaceTableSQL sets the SQL that sqlite_schema holds for a table, and bumps the schema
// cookie, which tells every connection, q's included, to read the schema again. It is for the
// changes SQLite's documentation allows this way, those that leave the stored rows valid.
func replaceTableSQL(ctx context.Context, q queryer, table, createSQL string) error {
	var cookie int
	if err := q.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&cookie); err != nil {
		return fmt.Errorf("read the schema cookie: %w", err)
	}
	steps := []struct {
		q    string
		args []any
	}{
		{q: `PRAGMA writable_schema = ON`},
		{q: `UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?`, args: []any{createSQL, table}},
		{q: fmt.Sprintf(`PRAGMA schema_version = %d`, cookie+1)},
		{q: `PRAGMA writable_schema = OFF`},
	}
	for _, st := range steps {
		if _, err := q.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("%s: %w", st.q, err)
		}
	}
	return nil
}

// agentCheck is one CHECK constraint of the agent table: a column and the values it accepts.
type agentCheck struct {
	column string
	values []string
}

// inList is the constraint as schemaV1 wrote it.
func (c agentCheck) inList() string {
	return c.column + " IN ('" + strings.Join(c.values, "', '") + "')"
}

// equalities is the constraint as schema version 9 writes it.
func (c agentCheck) equalities() string {
	terms := make([]string, len(c.values))
	for i, v := range c.values {
		terms[i] = c.column + " = '" + v + "'"
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

var agentChecks = []agentCheck{
	{column: "connection_status", values: []string{"never_connected", "pending", "active", "disconnected"}},
	{column: "group_config_status", values: []string{"synced", "not synced"}},
	{column: "group_sync_status", values: []string{"synced", "syncreq"}},
	{column: "sync_status", values: []string{"synced", "syncreq", "syncreq_keepalive", "syncreq_status"}},
}

func execAll(statements []string) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, stmt := range statements {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema up to date and reports whether it created it.
func migrate(ctx context.Context, db *sql.DB) (created bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return false, fmt.Errorf("create schema_version: %w", err)
	}
	var current int
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if current > len(migrations) {
		return false, fmt.Errorf("%w: file has version %d, this program knows %d", ErrSchemaTooNew, current, len(migrations))
	}
	for v := current; v < len(migrations); v++ {
		if err = migrations[v].apply(ctx, tx); err != nil {
			return false, fmt.Errorf("migration %d (%s): %w", v+1, migrations[v].name, err)
		}
	}
	if current < len(migrations) {
		if _, err = tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return false, fmt.Errorf("record schema version: %w", err)
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, len(migrations)); err != nil {
			return false, fmt.Errorf("record schema version: %w", err)
		}
	}
	if err = tx.Commit(); err != nil {
		return false, fmt.Errorf("commit migration: %w", err)
	}
	return current == 0, nil
}
