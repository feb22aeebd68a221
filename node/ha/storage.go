package ha

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// diskLog is the member's durable log: a bbolt file that holds every entry, the hard state, the
// configuration and the index of the last entry applied to the FSM, and the library's
// MemoryStorage, which raft reads. Writes go to the file first, synced, then to memory; at
// open the file is read back into memory. The log is never compacted (no snapshots yet): a
// member that joins late catches up from the first entry.
type diskLog struct {
	*raft.MemoryStorage
	db      *bbolt.DB
	hard    *pb.HardState
	conf    *pb.ConfState
	applied uint64
}

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
	l := &diskLog{MemoryStorage: raft.NewMemoryStorage(), db: db, hard: &pb.HardState{}, conf: &pb.ConfState{}}
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
		var ents []*pb.Entry
		err := tx.Bucket(bucketLog).ForEach(func(k, v []byte) error {
			e := &pb.Entry{}
			if err := proto.Unmarshal(v, e); err != nil {
				return fmt.Errorf("entry %x: %w", k, err)
			}
			if n := len(ents); n > 0 && e.GetIndex() != ents[n-1].GetIndex()+1 {
				return fmt.Errorf("entry %d follows %d", e.GetIndex(), ents[n-1].GetIndex())
			}
			ents = append(ents, e)
			return nil
		})
		if err != nil {
			return err
		}
		return l.MemoryStorage.Append(ents)
	})
	if err != nil {
		return err
	}
	if err := l.MemoryStorage.SetHardState(l.hard); err != nil {
		return err
	}
	return l.raiseCommit(l.applied)
}

// InitialState is raft.Storage's: the hard state and configuration saved last.
func (l *diskLog) InitialState() (*pb.HardState, *pb.ConfState, error) {
	return proto.Clone(l.hard).(*pb.HardState), proto.Clone(l.conf).(*pb.ConfState), nil
}

// IsEmpty reports whether the log never held anything: a member bootstraps the group then.
func (l *diskLog) IsEmpty() bool {
	last, _ := l.LastIndex()
	return last == 0 && raft.IsEmptyHardState(l.hard)
}

// raiseCommit makes the commit index at least applied: entries the FSM applied were committed,
// and the commit index is saved only with later entries (Save).
func (l *diskLog) raiseCommit(applied uint64) error {
	if applied <= l.hard.GetCommit() {
		return nil
	}
	if last, _ := l.LastIndex(); applied > last {
		return fmt.Errorf("the state has entries up to %d applied, the log holds only %d", applied, last)
	}
	l.hard.Commit = &applied
	return l.MemoryStorage.SetHardState(l.hard)
}

// Applied is the index of the last entry the FSM applied, as saved.
func (l *diskLog) Applied() uint64 { return l.applied }

func indexKey(i uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], i)
	return k[:]
}

// Save writes a Ready's hard state and entries, synced, then makes them visible to raft. An
// entry at index i replaces every saved entry from i on. A Ready that raft says needs no sync
// (only the commit index moved, which raft can learn again) is kept in memory until the next
// write: the commit index is not worth an fsync per commit.
func (l *diskLog) Save(hs *pb.HardState, ents []*pb.Entry, mustSync bool) error {
	if (hs == nil || raft.IsEmptyHardState(hs)) && len(ents) == 0 {
		return nil
	}
	if !mustSync && len(ents) == 0 {
		l.hard = proto.Clone(hs).(*pb.HardState)
		return l.MemoryStorage.SetHardState(l.hard)
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
		if hs == nil || raft.IsEmptyHardState(hs) {
			hs = l.hard // a commit index kept in memory only so far
		}
		if !raft.IsEmptyHardState(hs) {
			v, err := proto.Marshal(hs)
			if err != nil {
				return err
			}
			return tx.Bucket(bucketState).Put(keyHard, v)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save the replicated log: %w", err)
	}
	if hs != nil && !raft.IsEmptyHardState(hs) {
		l.hard = proto.Clone(hs).(*pb.HardState)
		if err := l.MemoryStorage.SetHardState(l.hard); err != nil {
			return err
		}
	}
	return l.MemoryStorage.Append(ents)
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
	l.applied = index
	if conf != nil {
		l.conf = proto.Clone(conf).(*pb.ConfState)
	}
	return nil
}

// Close closes the file.
func (l *diskLog) Close() error {
	if err := l.db.Close(); err != nil && !errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return err
	}
	return nil
}
