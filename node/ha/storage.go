package ha

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// LogFile is the name of the replicated log's file in a member's directory.
const LogFile = "raft.db"

var (
	bucketLog   = []byte("log")   // 8-byte big-endian index → raftpb.Entry
	bucketState = []byte("state") // keyHard, keyConf, keyApplied
	keyHard     = []byte("hard")
	keyConf     = []byte("conf")
	keyApplied  = []byte("applied")
)

// diskLog is the member's durable log, and raft's Storage: a bbolt file that holds every
// entry, the hard state, the configuration and (for an FSM that keeps none itself) the index of
// the last entry applied. Raft reads entries from the file as it needs them, so the log costs
// no memory however long it grows. The log is never compacted (no snapshots yet): a member
// that joins late catches up from the first entry.
type diskLog struct {
	db *bbolt.DB

	mu      sync.Mutex // guards what follows: raft reads on its goroutine while the member writes
	hard    *pb.HardState
	conf    *pb.ConfState
	applied uint64
	last    uint64 // the index of the last entry, 0 when none
}

var _ raft.Storage = (*diskLog)(nil)

// openDiskLog opens (or creates) dir/raft.db and loads it.
func openDiskLog(dir string) (*diskLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, LogFile)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	l := &diskLog{db: db, hard: &pb.HardState{}, conf: &pb.ConfState{}}
	if err := l.load(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return l, nil
}

func (l *diskLog) load() error {
	err := l.db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketLog, bucketState} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		st := tx.Bucket(bucketState)
		if v := st.Get(keyHard); v != nil {
			if err := proto.Unmarshal(v, l.hard); err != nil {
				return fmt.Errorf("hard state: %w", err)
			}
		}
		if v := st.Get(keyConf); v != nil {
			if err := proto.Unmarshal(v, l.conf); err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
		}
		if v := st.Get(keyApplied); len(v) == 8 {
			l.applied = binary.BigEndian.Uint64(v)
		}
		b := tx.Bucket(bucketLog)
		c := b.Cursor()
		first, _ := c.First()
		last, _ := c.Last()
		if first == nil {
			return nil
		}
		if len(first) != 8 || len(last) != 8 || binary.BigEndian.Uint64(first) != 1 {
			return fmt.Errorf("the log starts at %x, not at entry 1", first)
		}
		l.last = binary.BigEndian.Uint64(last)
		if n := uint64(b.Stats().KeyN); n != l.last {
			return fmt.Errorf("%d entries from 1 to %d: entries are missing", n, l.last)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return l.raiseCommit(l.applied)
}

// InitialState is raft.Storage's: the hard state and configuration saved last.
func (l *diskLog) InitialState() (*pb.HardState, *pb.ConfState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return proto.Clone(l.hard).(*pb.HardState), proto.Clone(l.conf).(*pb.ConfState), nil
}

// Entries is raft.Storage's: the entries [lo, hi), at least one, at most maxSize bytes.
func (l *diskLog) Entries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	l.mu.Lock()
	last := l.last
	l.mu.Unlock()
	if lo < 1 {
		return nil, raft.ErrCompacted
	}
	if hi > last+1 || lo >= hi {
		return nil, raft.ErrUnavailable
	}
	var out []*pb.Entry
	var size uint64
	err := l.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		next := lo
		for k, v := c.Seek(indexKey(lo)); k != nil && next < hi; k, v = c.Next() {
			if binary.BigEndian.Uint64(k) != next {
				return raft.ErrUnavailable
			}
			e := &pb.Entry{}
			if err := proto.Unmarshal(v, e); err != nil {
				return fmt.Errorf("entry %d: %w", next, err)
			}
			size += uint64(proto.Size(e))
			if len(out) > 0 && size > maxSize {
				return nil
			}
			out = append(out, e)
			next++
		}
		if len(out) == 0 {
			return raft.ErrUnavailable
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Term is raft.Storage's: the term of entry i (0 for the dummy entry before the first).
func (l *diskLog) Term(i uint64) (uint64, error) {
	if i == 0 {
		return 0, nil
	}
	l.mu.Lock()
	last := l.last
	l.mu.Unlock()
	if i > last {
		return 0, raft.ErrUnavailable
	}
	var term uint64
	err := l.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketLog).Get(indexKey(i))
		if v == nil {
			return raft.ErrUnavailable
		}
		e := &pb.Entry{}
		if err := proto.Unmarshal(v, e); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		term = e.GetTerm()
		return nil
	})
	return term, err
}

// LastIndex is raft.Storage's.
func (l *diskLog) LastIndex() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, nil
}

// FirstIndex is raft.Storage's: nothing is ever compacted.
func (l *diskLog) FirstIndex() (uint64, error) { return 1, nil }

// Snapshot is raft.Storage's: there are none (raft never asks, nothing being compacted).
func (l *diskLog) Snapshot() (*pb.Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return pb.EnsureSnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{ConfState: proto.Clone(l.conf).(*pb.ConfState)}}), nil
}

// IsEmpty reports whether the log never held anything: a member bootstraps the group then.
func (l *diskLog) IsEmpty() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last == 0 && raft.IsEmptyHardState(l.hard)
}

// raiseCommit makes the commit index at least applied: entries the FSM applied were committed,
// and the commit index is saved only with later entries (Save).
func (l *diskLog) raiseCommit(applied uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if applied <= l.hard.GetCommit() {
		return nil
	}
	if applied > l.last {
		return fmt.Errorf("the state has entries up to %d applied, the log holds only %d", applied, l.last)
	}
	l.hard.Commit = &applied
	return nil
}

// Applied is the index of the last entry the FSM applied, as saved here.
func (l *diskLog) Applied() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.applied
}

// Commit is the commit index as known here.
func (l *diskLog) Commit() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hard.GetCommit()
}

func indexKey(i uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], i)
	return k[:]
}

// Save writes a Ready's hard state and entries, synced, before raft reads them. An entry at
// index i replaces every saved entry from i on. A Ready that raft says needs no sync (only the
// commit index moved, which raft can learn again) is kept in memory until the next write: the
// commit index is not worth an fsync per commit.
func (l *diskLog) Save(hs *pb.HardState, ents []*pb.Entry, mustSync bool) error {
	hasHard := hs != nil && !raft.IsEmptyHardState(hs)
	if !hasHard && len(ents) == 0 {
		return nil
	}
	l.mu.Lock()
	if hasHard {
		l.hard = proto.Clone(hs).(*pb.HardState)
	}
	hard := proto.Clone(l.hard).(*pb.HardState)
	last := l.last
	l.mu.Unlock()
	if !mustSync && len(ents) == 0 {
		return nil
	}
	if len(ents) > 0 && ents[0].GetIndex() > last+1 {
		return fmt.Errorf("save the replicated log: entry %d after %d", ents[0].GetIndex(), last)
	}
	err := l.db.Update(func(tx *bbolt.Tx) error {
		if len(ents) > 0 {
			b := tx.Bucket(bucketLog)
			c := b.Cursor()
			for k, _ := c.Seek(indexKey(ents[0].GetIndex())); k != nil; k, _ = c.Next() {
				if err := c.Delete(); err != nil {
					return err
				}
			}
			for _, e := range ents {
				v, err := proto.Marshal(e)
				if err != nil {
					return err
				}
				if err := b.Put(indexKey(e.GetIndex()), v); err != nil {
					return err
				}
			}
		}
		if raft.IsEmptyHardState(hard) {
			return nil
		}
		v, err := proto.Marshal(hard)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketState).Put(keyHard, v)
	})
	if err != nil {
		return fmt.Errorf("save the replicated log: %w", err)
	}
	if len(ents) > 0 {
		l.mu.Lock()
		l.last = ents[len(ents)-1].GetIndex()
		l.mu.Unlock()
	}
	return nil
}

// SaveApplied records that the FSM applied every entry up to index, and the configuration
// when it changed (nil: unchanged).
func (l *diskLog) SaveApplied(index uint64, conf *pb.ConfState) error {
	err := l.db.Update(func(tx *bbolt.Tx) error {
		st := tx.Bucket(bucketState)
		if conf != nil {
			v, err := proto.Marshal(conf)
			if err != nil {
				return err
			}
			if err := st.Put(keyConf, v); err != nil {
				return err
			}
		}
		return st.Put(keyApplied, indexKey(index))
	})
	if err != nil {
		return fmt.Errorf("save the applied index: %w", err)
	}
	l.mu.Lock()
	l.applied = index
	if conf != nil {
		l.conf = proto.Clone(conf).(*pb.ConfState)
	}
	l.mu.Unlock()
	return nil
}

// Close closes the file.
func (l *diskLog) Close() error {
	if err := l.db.Close(); err != nil && !errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return err
	}
	return nil
}
