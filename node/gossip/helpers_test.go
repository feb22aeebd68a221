package gossip

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

const (
	testClusterName = "wazuh"
	// settleTimeout bounds waits for gossip to converge; generous because a
	// loaded machine running -race can stall memberlist for seconds.
	settleTimeout = 10 * time.Second
)

// vectorClusterKey reads the real cluster key of the Wazuh vectors once.
var vectorClusterKey = sync.OnceValues(func() (string, error) {
	raw, err := os.ReadFile("../../testdata/vectors/frames_deterministic.json")
	if err != nil {
		return "", fmt.Errorf("read vectors: %w", err)
	}
	var doc struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("decode vectors: %w", err)
	}
	if len(doc.Key) != 32 {
		return "", fmt.Errorf("vectors carry a %d-char cluster key, want 32", len(doc.Key))
	}
	return doc.Key, nil
})

func testClusterKey(tb testing.TB) string {
	tb.Helper()
	key, err := vectorClusterKey()
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// nextLoopbackHost hands out 127.0.0.10 … 127.0.0.250 so each member of a
// test has its own IP, as memberlist's own tests do. Linux routes all of
// 127/8 to lo.
var loopbackCounter atomic.Uint32

func nextLoopbackHost() string {
	n := loopbackCounter.Add(1)
	return "127.0.0." + strconv.Itoa(10+int(n%241))
}

// recorder collects the events notify hands over, with arrival times.
type recorder struct {
	mu     sync.Mutex
	events []timedEvent
}

type timedEvent struct {
	Event
	at time.Time
}

func (r *recorder) notify(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, timedEvent{Event: e, at: time.Now()})
}

func (r *recorder) all() []timedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]timedEvent(nil), r.events...)
}

// find returns the first event that matches and, if after is given, arrived
// after it.
func (r *recorder) find(match func(Event) bool, after ...time.Time) (timedEvent, bool) {
	for _, e := range r.all() {
		if len(after) > 0 && !e.at.After(after[0]) {
			continue
		}
		if match(e.Event) {
			return e, true
		}
	}
	return timedEvent{}, false
}

// waitFor polls until an event matches or timeout passes.
func (r *recorder) waitFor(t testing.TB, what string, timeout time.Duration, match func(Event) bool, after ...time.Time) timedEvent {
	t.Helper()
	var found timedEvent
	poll.Eventually(t, timeout, "the "+what, func() error {
		var ok bool
		if found, ok = r.find(match, after...); !ok {
			return fmt.Errorf("no event %s; got %v", what, r)
		}
		return nil
	})
	return found
}

func (r *recorder) String() string {
	var out []string
	for _, e := range r.all() {
		out = append(out, fmt.Sprintf("%s %s left=%v state=%s", e.Kind, e.Name, e.Left, e.Meta.State))
	}
	return fmt.Sprint(out)
}

func isEvent(kind EventKind, name string) func(Event) bool {
	return func(e Event) bool { return e.Kind == kind && e.Name == name }
}

type testMember struct {
	*Gossip
	cfg Config
	rec *recorder
}

func testConfig(t testing.TB, name string, timers Timers) Config {
	t.Helper()
	return Config{
		NodeName:    name,
		BindAddr:    nextLoopbackHost(),
		ClusterName: testClusterName,
		ClusterKey:  testClusterKey(t),
		Meta:        Meta{Type: "worker", Version: "4.14.7", Port: 1516},
		Timers:      timers,
	}
}

// startMember starts a member and shuts it down when the test ends.
func startMember(t testing.TB, cfg Config) *testMember {
	t.Helper()
	rec := &recorder{}
	g, err := Start(cfg, rec.notify)
	if err != nil {
		t.Fatalf("start %s: %v", cfg.NodeName, err)
	}
	t.Cleanup(func() {
		if err := g.Shutdown(); err != nil {
			t.Errorf("shutdown %s: %v", cfg.NodeName, err)
		}
	})
	return &testMember{Gossip: g, cfg: cfg, rec: rec}
}

// startCluster starts n members named node0…, joins them all through node0
// and waits until every member sees every other one alive.
func startCluster(t testing.TB, n int, timers Timers) []*testMember {
	t.Helper()
	members := make([]*testMember, n)
	for i := range members {
		cfg := testConfig(t, "node"+strconv.Itoa(i), timers)
		if i == 0 {
			cfg.Meta.Type = "master"
		}
		members[i] = startMember(t, cfg)
	}
	for _, m := range members[1:] {
		if _, err := m.Join([]string{members[0].LocalAddr()}); err != nil {
			t.Fatalf("%s join: %v", m.cfg.NodeName, err)
		}
	}
	for _, m := range members {
		waitAliveCount(t, m, n, settleTimeout)
	}
	return members
}

func aliveCount(g *Gossip) int {
	n := 0
	for _, m := range g.Members() {
		if m.Alive {
			n++
		}
	}
	return n
}

func waitAliveCount(t testing.TB, m *testMember, want int, timeout time.Duration) {
	t.Helper()
	poll.Eventually(t, timeout, fmt.Sprintf("%d alive members", want), func() error {
		if got := aliveCount(m.Gossip); got != want {
			return fmt.Errorf("%s sees %d alive members, want %d: %+v", m.cfg.NodeName, got, want, m.Members())
		}
		return nil
	})
}

func memberNamed(g *Gossip, name string) (Member, bool) {
	for _, m := range g.Members() {
		if m.Name == name {
			return m, true
		}
	}
	return Member{}, false
}

func splitPort(t testing.TB, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("split %q: %v", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("port of %q: %v", addr, err)
	}
	return host, p
}
