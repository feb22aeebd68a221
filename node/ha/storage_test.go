package ha

import (
	"errors"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

func entry(index, term uint64, data string) *pb.Entry {
	return &pb.Entry{Index: &index, Term: &term, Data: []byte(data)}
}

// The durable log keeps what was saved across a reopen, replaces a tail that a later entry
// overwrites, and serves raft's reads from the file.
func TestDiskLogSavesReplacesAndReadsBack(t *testing.T) {
	dir := t.TempDir()
	l, err := openDiskLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !l.IsEmpty() {
		t.Fatal("a new log is not empty")
	}
	term, vote, commit := uint64(2), uint64(1), uint64(2)
	if err := l.Save(&pb.HardState{Term: &term, Vote: &vote, Commit: &commit},
		[]*pb.Entry{entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 2, "c"), entry(4, 2, "d")}, true); err != nil {
		t.Fatal(err)
	}
	// A new leader's entry 3 replaces entries 3 and 4.
	if err := l.Save(nil, []*pb.Entry{entry(3, 3, "x")}, true); err != nil {
		t.Fatal(err)
	}
	// Only the commit index moves: kept in memory, saved with the next write.
	commit = 3
	if err := l.Save(&pb.HardState{Term: &term, Vote: &vote, Commit: &commit}, nil, false); err != nil {
		t.Fatal(err)
	}
	if err := l.Save(nil, []*pb.Entry{entry(4, 3, "y")}, true); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if l, err = openDiskLog(dir); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	hs, _, _ := l.InitialState()
	if hs.GetTerm() != 2 || hs.GetCommit() != 3 {
		t.Fatalf("hard state after reopen: %v", hs)
	}
	if last, _ := l.LastIndex(); last != 4 {
		t.Fatalf("last index %d", last)
	}
	ents, err := l.Entries(2, 5, 1<<20)
	if err != nil || len(ents) != 3 || string(ents[1].GetData()) != "x" || string(ents[2].GetData()) != "y" {
		t.Fatalf("entries 2..4: %v (%v)", ents, err)
	}
	if ents, err := l.Entries(1, 5, 1); err != nil || len(ents) != 1 {
		t.Fatalf("entries with a tiny size bound: %v (%v), want exactly one", ents, err)
	}
	if tm, err := l.Term(3); err != nil || tm != 3 {
		t.Fatalf("term of 3: %d (%v)", tm, err)
	}
	if tm, err := l.Term(0); err != nil || tm != 0 {
		t.Fatalf("term of 0: %d (%v)", tm, err)
	}
	if _, err := l.Term(5); !errors.Is(err, raft.ErrUnavailable) {
		t.Fatalf("term past the end: %v", err)
	}
	if _, err := l.Entries(0, 2, 1<<20); !errors.Is(err, raft.ErrCompacted) {
		t.Fatalf("entries from 0: %v", err)
	}
	if _, err := l.Entries(3, 6, 1<<20); !errors.Is(err, raft.ErrUnavailable) {
		t.Fatalf("entries past the end: %v", err)
	}
	if err := l.Save(nil, []*pb.Entry{entry(7, 3, "gap")}, true); err == nil {
		t.Fatal("an entry after a gap was saved")
	}
}
