package remoted

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// keyTable is one loaded client.keys, read-only once published.
type keyTable struct {
	byID map[int]*agent
	// byIP holds agents by their registered IP string, matched exactly against
	// the source IP of messages without an "!id!" prefix; the first entry of a
	// duplicated IP wins.
	byIP map[string]*agent
}

func (t *keyTable) agents() []*agent {
	out := make([]*agent, 0, len(t.byID))
	for _, a := range t.byID {
		out = append(out, a)
	}
	return out
}

// fileStamp is what tells a changed client.keys: Wazuh checks mtime and inode;
// the size catches rewrites within the mtime's resolution.
type fileStamp struct {
	info  fs.FileInfo
	mtime time.Time
	size  int64
}

func (f fileStamp) same(g fileStamp) bool {
	if f.info == nil || g.info == nil {
		return f.info == nil && g.info == nil
	}
	return os.SameFile(f.info, g.info) && f.mtime.Equal(g.mtime) && f.size == g.size
}

func (s *Server) keysPath() string { return filepath.Join(s.cfg.Home, "etc", "client.keys") }

// statKeys returns the stamp of client.keys; a missing file has the zero stamp.
func (s *Server) statKeys() (fileStamp, error) {
	fi, err := os.Stat(s.keysPath())
	if errors.Is(err, fs.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, fmt.Errorf("stat %s: %w", s.keysPath(), err)
	}
	return fileStamp{info: fi, mtime: fi.ModTime(), size: fi.Size()}, nil
}

// loadKeys reads client.keys and publishes a new table built on old: agents
// whose id and IP are unchanged keep their state (connection, counters).
// A missing file is an empty keystore.
func (s *Server) loadKeys() error {
	stamp, err := s.statKeys()
	if err != nil {
		return err
	}
	var entries []clientkeys.Entry
	if stamp.info != nil {
		data, err := os.ReadFile(s.keysPath())
		if err != nil {
			return fmt.Errorf("read %s: %w", s.keysPath(), err)
		}
		entries, err = clientkeys.Parse(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("load %s: %w", s.keysPath(), err)
		}
	}
	t := buildKeyTable(s.keys.Load(), entries, s.log.Warnf)
	s.keys.Store(t)
	s.keysStamp = stamp
	return nil
}

// reloadKeysIfChanged reloads client.keys when its stamp changed.
func (s *Server) reloadKeysIfChanged() {
	stamp, err := s.statKeys()
	if err != nil {
		s.limited.warn("keys-stat", "%v", err)
		return
	}
	if stamp.same(s.keysStamp) {
		return
	}
	if err := s.loadKeys(); err != nil {
		s.limited.warn("keys-load", "%v; keeping the previous keys", err)
		return
	}
	s.log.Infof("reloaded %s: %d agents", s.keysPath(), len(s.keys.Load().byID))
}

func buildKeyTable(old *keyTable, entries []clientkeys.Entry, warnf func(string, ...any)) *keyTable {
	t := &keyTable{byID: make(map[int]*agent, len(entries)), byIP: make(map[string]*agent, len(entries))}
	for _, e := range entries {
		if e.Removed {
			continue
		}
		idStr := fmt.Sprintf("%03d", e.ID)
		c, err := agentproto.NewCipher(agentproto.Key{ID: idStr, Name: e.Name, IP: e.IP, Raw: e.Key})
		if err != nil {
			warnf("client.keys: agent %s: %v", idStr, err)
			continue
		}
		k := &agentKey{id: e.ID, idStr: idStr, name: e.Name, ip: e.IP, raw: e.Key, cipher: c, allow: newIPMatcher(e.IP)}
		var a *agent
		if old != nil {
			if prev := old.byID[e.ID]; prev != nil && prev.key.Load().ip == e.IP {
				a = prev
			}
		}
		if a == nil {
			a = &agent{}
		}
		if cur := a.key.Load(); cur == nil || cur.name != k.name || cur.raw != k.raw {
			a.key.Store(k)
		}
		t.byID[e.ID] = a
		if _, dup := t.byIP[e.IP]; !dup {
			t.byIP[e.IP] = a
		}
	}
	return t
}
