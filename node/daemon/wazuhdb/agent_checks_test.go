package wazuhdb

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// A store of schema version 8 (the agent table's checks as IN lists) opens with the checks
// rewritten as equalities, its rows untouched and the checks still refusing what they refused.
func TestMigrationRewritesAgentChecks(t *testing.T) {
	s, path := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "kept"})
	s2 := reopenAsEarlierVersion(t, s, path, `UPDATE schema_version SET version = 8`)
	table := agentTableSQL(t, s2.db)
	for _, c := range agentChecks {
		if strings.Contains(table, c.inList()) || !strings.Contains(table, c.equalities()) {
			t.Errorf("%s not rewritten: %s", c.column, table)
		}
	}
	var ok string
	if err := s2.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	if a, found, err := s2.AgentByName(context.Background(), "kept"); err != nil || !found || a.ID != 1 {
		t.Fatalf("agent after migration = %+v, %v, %v", a, found, err)
	}
	assertChecksRefuse(t, s2.db)
}

// A new store's agent table accepts exactly the values Wazuh's does.
func TestAgentChecksRefuseWhatWazuhRefuses(t *testing.T) {
	s, _ := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "a1"})
	assertChecksRefuse(t, s.db)
	for _, c := range agentChecks {
		for _, v := range c.values {
			if _, err := s.db.Exec(`UPDATE agent SET `+c.column+` = ? WHERE id = 1`, v); err != nil {
				t.Errorf("%s = %q refused: %v", c.column, v, err)
			}
		}
	}
}

func assertChecksRefuse(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, c := range agentChecks {
		for _, bad := range []string{"", "Active", c.values[0] + " "} {
			_, err := db.Exec(`UPDATE agent SET `+c.column+` = ? WHERE id = 1`, bad)
			if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
				t.Errorf("%s = %q: err %v, want a CHECK constraint failure", c.column, bad, err)
			}
		}
	}
}

// reopenAsEarlierVersion closes s, rebuilds its file as an earlier schema version wrote it (the
// agent table's checks as schema versions 1 to 8 wrote them, then the statements) and opens it
// again, which migrates it.
func reopenAsEarlierVersion(t *testing.T, s *Store, path string, statements ...string) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	rewriteTable(t, raw, agentTableOfVersion8)
	if table := agentTableSQL(t, raw); !strings.Contains(table, "connection_status IN (") {
		t.Fatalf("the agent table was not rebuilt: %s", table)
	}
	for _, q := range statements {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	return s2
}

// agentTableOfVersion8 turns the agent table's SQL back into what schema versions 1 to 8 wrote.
func agentTableOfVersion8(table string) string {
	for _, c := range agentChecks {
		table = strings.Replace(table, c.equalities(), c.inList(), 1)
	}
	return table
}

// rewriteTable edits the agent table's SQL as a file of an earlier schema held it.
func rewriteTable(t *testing.T, db *sql.DB, edit func(string) string) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := replaceTableSQL(ctx, conn, "agent", edit(agentTableSQL(t, db))); err != nil {
		t.Fatal(err)
	}
}

func agentTableSQL(t *testing.T, db *sql.DB) string {
	t.Helper()
	var table string
	err := db.QueryRow(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'agent'`).Scan(&table)
	if err != nil {
		t.Fatalf("read the agent table: %v", err)
	}
	return table
}
