package wazuhdb

import (
	"context"
	"os"
	"testing"
	"time"
)

// The log is copied into the database file by the checkpointer, not by a commit: a few hundred
// pages of agents are far below the writer's own threshold, yet the file fills within a few
// periods.
func TestCheckpointerCopiesTheLogBesideTheWriter(t *testing.T) {
	s, path := openTemp(t)
	seedAgents(t, s, 3000)
	var pages, pageSize int64
	if err := s.db.QueryRowContext(context.Background(), "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(context.Background(), "PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if pages >= writerCheckpointPages {
		t.Fatalf("%d pages: the writer's own checkpoint would run, the test shows nothing", pages)
	}
	want := pages * pageSize
	deadline := time.Now().Add(5 * checkpointEvery)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after %v, want the %d pages of the store (%d bytes)",
				fi.Size(), 5*checkpointEvery, pages, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The checkpointer's connection closes first, so the writer's is the last: it checkpoints the
// rest of the log and removes it, as a store with one connection did.
func TestCloseLeavesNoLog(t *testing.T) {
	s, path := openTemp(t)
	seedAgents(t, s, 100)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no log while open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("log left after Close: %v", err)
	}
	s = reopen(t, s, path)
	if n := countAgents(t, s); n != 100 {
		t.Fatalf("%d agents after reopening, want 100", n)
	}
}
