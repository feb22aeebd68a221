package ha

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

const testKey = "0123456789abcdef0123456789abcdef"

// logWriter sends log lines to t.Log until the test ends.
type logWriter struct {
	mu   sync.Mutex
	t    testing.TB
	name string
	done bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(w.name + ": " + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func testLog(t testing.TB, name string) *logrus.Entry {
	w := &logWriter{t: t, name: name}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	l := logrus.New()
	l.SetOutput(w)
	l.SetLevel(logrus.InfoLevel)
	return logrus.NewEntry(l)
}

// group is a replication group of real members on loopback TCP, each over its own store.
type group struct {
	t       testing.TB
	peers   map[uint64]string
	dirs    map[uint64]string
	members map[uint64]*Member
	stores  map[uint64]*wazuhdb.Store
}

func newGroup(t testing.TB, n int) *group {
	t.Helper()
	g := &group{t: t, peers: map[uint64]string{}, dirs: map[uint64]string{}, members: map[uint64]*Member{},
		stores: map[uint64]*wazuhdb.Store{}}
	lns := map[uint64]net.Listener{}
	for id := uint64(1); id <= uint64(n); id++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[id], g.peers[id], g.dirs[id] = ln, ln.Addr().String(), t.TempDir()
	}
	for id, ln := range lns {
		g.start(id, ln)
	}
	t.Cleanup(func() {
		for id := range g.members {
			g.stop(id)
		}
	})
	return g
}

// start starts member id over its directory (and store), listening on ln or, when nil, on
// its address again.
func (g *group) start(id uint64, ln net.Listener) {
	g.t.Helper()
	st, err := wazuhdb.Open(filepath.Join(g.dirs[id], "global.db"))
	if err != nil {
		g.t.Fatal(err)
	}
	if ln == nil {
		if ln, err = net.Listen("tcp", g.peers[id]); err != nil {
			g.t.Fatal(err)
		}
	}
	m, err := Start(Config{ID: id, Peers: g.peers, Dir: filepath.Join(g.dirs[id], "raft"), Key: testKey,
		FSM: &AgentsFSM{Store: st}, Log: testLog(g.t, fmt.Sprintf("member%d", id)),
		Tick: 20 * time.Millisecond, ElectionTicks: 10, Listener: ln})
	if err != nil {
		_ = st.Close()
		g.t.Fatal(err)
	}
	g.members[id], g.stores[id] = m, st
}

// stop stops member id and closes its store (a process that ends).
func (g *group) stop(id uint64) {
	g.t.Helper()
	if err := g.members[id].Stop(); err != nil {
		g.t.Errorf("stop member %d: %v", id, err)
	}
	if err := g.stores[id].Close(); err != nil {
		g.t.Errorf("close store %d: %v", id, err)
	}
	delete(g.members, id)
	delete(g.stores, id)
}

// acting waits until every running member names the same acting master, and returns it.
func (g *group) acting(timeout time.Duration) uint64 {
	g.t.Helper()
	var leader uint64
	poll.Eventually(g.t, timeout, "one acting master", func() error {
		leader = 0
		for id, m := range g.members {
			v, _ := m.View()
			if v.Leader == 0 {
				return fmt.Errorf("member %d knows no acting master", id)
			}
			if leader != 0 && v.Leader != leader {
				return fmt.Errorf("members name %d and %d", leader, v.Leader)
			}
			leader = v.Leader
		}
		if _, ok := g.members[leader]; !ok {
			return fmt.Errorf("the acting master %d is not running", leader)
		}
		return nil
	})
	return leader
}

var agentSeq int

// enroll commits a new agent through the acting master, as enrollment does, and returns it.
func (g *group) enroll(leader uint64) AgentAdd {
	g.t.Helper()
	agentSeq++
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id, err := g.stores[leader].NextAgentID(ctx)
	if err != nil {
		g.t.Fatal(err)
	}
	a := AgentAdd{ID: id, Name: fmt.Sprintf("agent-%d", agentSeq), IP: "any",
		Key: fmt.Sprintf("%064x", agentSeq), DateAdd: 1700000000}
	if _, err := g.members[leader].Propose(ctx, OpAgentAdd, a); err != nil {
		g.t.Fatalf("enroll %s through %d: %v", a.Name, leader, err)
	}
	return a
}

// holds checks that member id's store holds exactly the agents want, by id, name and key.
func (g *group) holds(id uint64, want map[int]AgentAdd) error {
	agents, err := g.stores[id].Agents(context.Background())
	if err != nil {
		return err
	}
	got := map[int]bool{}
	for _, a := range agents {
		w, ok := want[a.ID]
		if !ok {
			return fmt.Errorf("member %d holds an unknown agent %03d %s", id, a.ID, a.Name)
		}
		if a.Name != w.Name || a.Key != w.Key {
			return fmt.Errorf("member %d holds %03d as %s/%s, want %s/%s", id, a.ID, a.Name, a.Key, w.Name, w.Key)
		}
		got[a.ID] = true
	}
	if len(got) != len(want) {
		return fmt.Errorf("member %d holds %d agents of %d", id, len(got), len(want))
	}
	return nil
}

func (g *group) allHold(timeout time.Duration, want map[int]AgentAdd) {
	g.t.Helper()
	poll.Eventually(g.t, timeout, "every member holds every acknowledged agent", func() error {
		for id := range g.members {
			if err := g.holds(id, want); err != nil {
				return err
			}
		}
		return nil
	})
}
