package wazuhdb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesSchema(t *testing.T) {
	s, path := openTemp(t)
	if !s.IsNew() {
		t.Fatal("fresh store: IsNew() = false")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	var version int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("schema_version = %d, %v; want %d", version, err, SchemaVersion())
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1"} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
}

func TestReopenKeepsDataAndIsNotNew(t *testing.T) {
	s, path := openTemp(t)
	mustAdd(t, s, NewAgent{Name: "web01"})
	s = reopen(t, s, path)
	if s.IsNew() {
		t.Fatal("reopened store with an agent: IsNew() = true")
	}
	if a := mustAgent(t, s, 1); a.Name != "web01" {
		t.Fatalf("agent after reopen = %+v", a)
	}
}

func TestReopenEmptyStoreIsStillNew(t *testing.T) {
	s, path := openTemp(t)
	s = reopen(t, s, path)
	if !s.IsNew() {
		t.Fatal("reopened empty store: IsNew() = false")
	}
}

// A file that exists but holds no table (a 0-byte file, which SQLite reads as an empty
// database, or a database without tables) is refused without being written to, so it stays
// refused; AcceptBlank takes it for a new database. A healthy store holding no agent is opened.
func TestOpenRefusesABlankFile(t *testing.T) {
	s, path := openTemp(t)
	if s = reopen(t, s, path); !s.IsNew() {
		t.Fatal("healthy empty store: IsNew() = false")
	}

	zero := filepath.Join(t.TempDir(), "global.db")
	if err := os.WriteFile(zero, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	tableless := filepath.Join(t.TempDir(), "global.db")
	raw, err := sql.Open("sqlite", tableless)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 7"); err != nil { // writes the header, no table
		t.Fatal(err)
	}
	raw.Close()
	for name, p := range map[string]string{"0-byte file": zero, "database without tables": tableless} {
		for range 2 {
			if _, err := Open(p); !errors.Is(err, ErrBlankFile) || !strings.Contains(err.Error(), p) {
				t.Fatalf("%s: Open = %v, want ErrBlankFile naming the file", name, err)
			}
		}
		if fi, err := os.Stat(p); name == "0-byte file" && (err != nil || fi.Size() != 0) {
			t.Fatalf("the refused 0-byte file was written to: %v %v", fi.Size(), err)
		}
		s, err := Open(p, AcceptBlank())
		if err != nil || !s.IsNew() {
			t.Fatalf("%s with AcceptBlank: %v", name, err)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	s, path := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE schema_version SET version = ?`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if !errors.Is(err, ErrSchemaTooNew) {
		if s2 != nil {
			_ = s2.Close()
		}
		t.Fatalf("Open newer schema: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenPathWithSpecialCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a dir?#%", "global.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file not at the given path: %v", err)
	}
}

func TestClosedStore(t *testing.T) {
	s, _ := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := context.Background()
	if _, _, err := s.Agent(ctx, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Agent after Close: %v", err)
	}
	if _, err := s.AddAgent(ctx, NewAgent{Name: "ag", Key: "k"}); !errors.Is(err, ErrClosed) {
		t.Errorf("AddAgent after Close: %v", err)
	}
	if _, err := s.ChangedGroups(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("ChangedGroups after Close: %v", err)
	}
}
