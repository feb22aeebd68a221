package agentsim

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// testConfig is a fast-paced configuration for tests. Message rates stay low
// because level-9 compression is slow under the race detector.
func testConfig(servers ...string) Config {
	return Config{
		Servers:       servers,
		NotifyTime:    500 * time.Millisecond,
		TimeReconnect: 2 * time.Second,
		RetryInterval: 50 * time.Millisecond,
		MaxRetries:    2,
	}
}

func newTestSim(t *testing.T, cfg Config) *Sim {
	t.Helper()
	sim, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	return sim
}

func startTestSim(t *testing.T, cfg Config) *Sim {
	t.Helper()
	sim := newTestSim(t, cfg)
	if err := sim.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return sim
}

func TestEnrollConnectAndShutdown(t *testing.T) {
	keys, _ := newKeyring()
	authd := startFakeAuthd(t, keys)
	mgr := startFakeManager(t, keys)
	cfg := testConfig(mgr.addr())
	cfg.EnrollAddrs = []string{authd.addr()}
	cfg.EnrollCAFile = authd.caFile
	cfg.Agents = 20
	cfg.NamePrefix = "web"
	cfg.Groups = "default,linux"
	sim := newTestSim(t, cfg)
	if err := sim.Enroll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if keys.len() != 20 {
		t.Fatalf("authd issued %d keys, want 20", keys.len())
	}
	lines := authd.requestLines()
	slices.Sort(lines)
	if want := "OSSEC A:'web-00001' V:'v4.14.7' G:'default,linux'\n"; lines[0] != want {
		t.Fatalf("first request %q, want %q", lines[0], want)
	}
	if err := sim.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "20 agents connected with a keepalive acknowledged", func() bool {
		// Two acks per agent: its startup and its first keepalive (the manager may have seen
		// the keepalive before the agent read the answer).
		if r := sim.Report(); r.Connected != 20 || r.PerServer[mgr.addr()].Acks < 40 {
			return false
		}
		seen := mgr.snapshot()
		for _, st := range seen {
			if st.keepalives == 0 || st.startedEvents != 1 {
				return false
			}
		}
		return len(seen) == 20
	})
	k := mgr.snapshot()["001"].lastKeepalive
	if k.Version != "Wazuh v4.14.7" || k.MergedSum != "x" || k.AgentIP != "127.0.0.1" || k.OS.Platform != "debian" {
		t.Fatalf("keepalive %+v", k)
	}
	if len(k.Labels) != 1 || k.Labels[0].Key != "simulator" {
		t.Fatalf("keepalive labels %+v", k.Labels)
	}
	sim.Stop()
	poll.Until(t, 5*time.Second, "20 shutdown messages", func() bool {
		for _, st := range mgr.snapshot() {
			if st.shutdowns != 1 {
				return false
			}
		}
		return true
	})
	r := sim.Report()
	if r.Connected != 0 || r.Agents != 20 || r.PerServer[mgr.addr()].Acks < 40 {
		t.Fatalf("report after stop:\n%s", r)
	}
	if got := len(sim.Keys()); got != 20 {
		t.Fatalf("Keys() returned %d keys", got)
	}
}

func TestEnrollRefusalReturnsAuthdText(t *testing.T) {
	keys, _ := newKeyring()
	authd := startFakeAuthd(t, keys)
	const refusal = "ERROR: Duplicate agent name: sim-00002. Unable to add agent"
	authd.refuse["sim-00002"] = refusal
	cfg := testConfig("127.0.0.1:1")
	cfg.EnrollAddrs = []string{authd.addr()}
	cfg.Agents = 3
	cfg.NamePrefix = "sim"
	sim := newTestSim(t, cfg)
	err := sim.Enroll(t.Context())
	var refused *EnrollError
	if !errors.As(err, &refused) || refused.Text != refusal {
		t.Fatalf("Enroll error %v, want the authd refusal", err)
	}
	if n := len(authd.requestLines()); n != 3 {
		t.Fatalf("%d requests, want 3 (a refusal is not retried)", n)
	}
	if err := sim.Start(t.Context()); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("Start error %v, want ErrNotEnrolled", err)
	}
}

func TestEventsArriveAtConfiguredRate(t *testing.T) {
	keyList := makeKeys(5, "rate")
	keys, _ := newKeyring(keyList...)
	mgr := startFakeManager(t, keys)
	cfg := testConfig(mgr.addr())
	cfg.Keys = keyList
	cfg.EventsPerSecond = 20
	sim := startTestSim(t, cfg)
	start := time.Now()
	const want = 100.0 // events per second, all agents
	poll.Until(t, 10*time.Second, "250 events", func() bool { return mgr.eventCount() >= 250 })
	rate := float64(mgr.eventCount()) / time.Since(start).Seconds()
	if rate < 0.75*want || rate > 1.25*want {
		t.Fatalf("received %.0f events/s, want %.0f ± 25%%", rate, want)
	}
	sim.Stop()
	r := sim.Report()
	poll.Until(t, 5*time.Second, "every sent event received", func() bool { return mgr.eventCount() == r.EventsSent })
	if r.EventsDroppedBufferFull != 0 || r.EventsGenerated != r.EventsSent+r.EventsBuffered {
		t.Fatalf("event accounting:\n%s", r)
	}
	received := mgr.snapshot()
	for i := range sim.agents {
		a := &sim.agents[i]
		missing, dups := compareSeqs(a, received[a.key.ID].seqs, nil)
		if missing != 0 || dups != 0 {
			t.Fatalf("agent %s: %d events missing, %d duplicated", a.key.ID, missing, dups)
		}
	}
	t.Logf("%.0f events/s\n%s", rate, r)
}

// compareSeqs checks, after Stop, every event agent a generated against what the
// managers received: it returns how many are neither received, buffered nor
// dropped, and how many arrived more than once.
func compareSeqs(a *agent, first, second map[uint64]int) (missing, dups int) {
	buffered := bufferedSeqs(a)
	for seq := uint64(1); seq <= a.lastSeq; seq++ {
		n := first[seq] + second[seq]
		switch {
		case n > 1:
			dups++
		case n == 0 && !buffered[seq]:
			missing++
		}
	}
	return missing - int(a.dropped.Load()), dups
}

// bufferedSeqs lists what is left in a's buffer (after Stop).
func bufferedSeqs(a *agent) map[uint64]bool {
	buffered := map[uint64]bool{}
	var seqs [drainBatch]uint64
	q := a.queue
	q.runs = slices.Clone(q.runs)
	for ; q.len() > 0; q.pop(drainBatch) {
		for _, s := range seqs[:q.peek(seqs[:])] {
			buffered[s] = true
		}
	}
	return buffered
}

func TestMergedPushVerifiedAndReported(t *testing.T) {
	keyList := makeKeys(3, "push")
	keys, _ := newKeyring(keyList...)
	mgr := startFakeManager(t, keys)
	cfg := testConfig(mgr.addr())
	cfg.Keys = keyList
	sim := startTestSim(t, cfg)
	poll.Until(t, 10*time.Second, "a keepalive from every agent", func() bool {
		seen := mgr.snapshot()
		for _, st := range seen {
			if st.keepalives == 0 {
				return false
			}
		}
		return len(seen) == 3
	})
	content := []byte("#default\n!20 agent.conf\n" + strings.Repeat("<agent_config/>\n", 150))
	sum := md5.Sum(content)
	md5hex := hex.EncodeToString(sum[:])
	for _, k := range keyList {
		if err := mgr.push(k.ID, md5hex, content); err != nil {
			t.Fatal(err)
		}
	}
	poll.Until(t, 10*time.Second, "the new md5 in every keepalive", func() bool {
		for _, st := range mgr.snapshot() {
			if st.lastKeepalive.MergedSum != md5hex {
				return false
			}
		}
		return sim.Report().MergedPushes == 3
	})

	// A push whose content does not match the announced md5 is rejected.
	wrong := strings.Repeat("0", 32)
	if err := mgr.push("001", wrong, content); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "the bad push rejected", func() bool { return sim.Report().MergedRejected == 1 })
	before := mgr.snapshot()["001"].keepalives
	poll.Until(t, 10*time.Second, "two more keepalives", func() bool { return mgr.snapshot()["001"].keepalives >= before+2 })
	if got := mgr.snapshot()["001"].lastKeepalive.MergedSum; got != md5hex {
		t.Fatalf("after a rejected push the keepalive reports %s, want %s", got, md5hex)
	}
}

func TestFailoverKeepsBufferedEvents(t *testing.T) {
	const agents = 10
	keyList := makeKeys(agents, "fo")
	keys, _ := newKeyring(keyList...)
	first := startFakeManager(t, keys)
	second := startFakeManager(t, keys)
	cfg := testConfig(first.addr(), second.addr())
	cfg.Keys = keyList
	cfg.EventsPerSecond = 10
	sim := startTestSim(t, cfg)
	poll.Until(t, 10*time.Second, "events on the first server", func() bool {
		return sim.Report().PerServer[first.addr()].Agents == agents && first.eventCount() >= 100
	})

	first.kill()
	poll.Until(t, 10*time.Second, "every agent on the second server", func() bool {
		r := sim.Report()
		return r.PerServer[second.addr()].Agents == agents && r.Failovers == agents
	})
	poll.Until(t, 10*time.Second, "events on the second server", func() bool { return second.eventCount() >= 100 })
	sim.Stop()
	r := sim.Report()
	poll.Until(t, 5*time.Second, "the second server to read everything", func() bool {
		return second.eventCount() == r.PerServer[second.addr()].EventsSent
	})

	lostInFlight := r.PerServer[first.addr()].EventsSent - first.eventCount()
	fromFirst, fromSecond := first.snapshot(), second.snapshot()
	missing := 0
	for i := range sim.agents {
		a := &sim.agents[i]
		m, dups := compareSeqs(a, fromFirst[a.key.ID].seqs, fromSecond[a.key.ID].seqs)
		if dups != 0 {
			t.Fatalf("agent %s: %d events received twice", a.key.ID, dups)
		}
		missing += m
	}
	if r.EventsDroppedBufferFull != 0 {
		t.Fatalf("%d events dropped", r.EventsDroppedBufferFull)
	}
	if int64(missing) != lostInFlight {
		t.Fatalf("%d events missing, but %d were written to the dead server's sockets and not read", missing, lostInFlight)
	}
	if len(r.FailoverTimes) != agents || r.PerServer[second.addr()].FailoversIn != agents {
		t.Fatalf("failover figures:\n%s", r)
	}
	t.Logf("missing %d events (all written to the killed server's sockets)\n%s", missing, r)
}

func TestFailoverWrapsToFirstServer(t *testing.T) {
	const agents = 5
	keyList := makeKeys(agents, "wrap")
	keys, _ := newKeyring(keyList...)
	first := startFakeManager(t, keys)
	second := startFakeManager(t, keys)
	firstAddr := first.addr()
	cfg := testConfig(firstAddr, second.addr())
	cfg.Keys = keyList
	sim := startTestSim(t, cfg)
	onServer := func(addr string) func() bool {
		return func() bool { return sim.Report().PerServer[addr].Agents == agents }
	}
	poll.Until(t, 10*time.Second, "agents on the first server", onServer(firstAddr))
	first.kill()
	poll.Until(t, 10*time.Second, "agents on the second server", onServer(second.addr()))
	startFakeManagerAt(t, firstAddr, keys)
	second.kill()
	poll.Until(t, 10*time.Second, "agents back on the first server", onServer(firstAddr))
	if r := sim.Report(); r.Failovers != 2*agents || r.PerServer[firstAddr].FailoversIn != agents {
		t.Fatalf("failovers:\n%s", r)
	}
}

func TestBufferFullDropsNewest(t *testing.T) {
	keyList := makeKeys(2, "full")
	keys, _ := newKeyring(keyList...)
	mgr := startFakeManager(t, keys)
	mgr.ackStartups.Store(false)
	cfg := testConfig(mgr.addr())
	cfg.Keys = keyList
	cfg.EventsPerSecond = 50
	cfg.BufferSize = 20
	cfg.TimeReconnect = 2 * time.Second // also how long an unacknowledged startup waits
	cfg.NotifyTime = 200 * time.Millisecond
	cfg.RetryInterval = 20 * time.Millisecond
	sim := startTestSim(t, cfg)
	poll.Until(t, 10*time.Second, "drops while unacknowledged", func() bool {
		r := sim.Report()
		return r.EventsDroppedBufferFull >= 50 && r.EventsBuffered == 40
	})
	mgr.ackStartups.Store(true)
	poll.Until(t, 10*time.Second, "events after the connection", func() bool {
		return sim.Report().Connected == 2 && mgr.eventCount() >= 100
	})
	sim.Stop()
	r := sim.Report()
	poll.Until(t, 5*time.Second, "every sent event received", func() bool { return mgr.eventCount() == r.EventsSent })
	received := mgr.snapshot()
	for i := range sim.agents {
		a := &sim.agents[i]
		seqs, buffered := received[a.key.ID].seqs, bufferedSeqs(a)
		lastDropped := uint64(cfg.BufferSize) + uint64(a.dropped.Load())
		for seq := uint64(1); seq <= a.lastSeq; seq++ {
			var ok bool
			switch {
			case seq <= uint64(cfg.BufferSize): // kept while the buffer was full
				ok = seqs[seq] == 1
			case seq <= lastDropped: // the newest, dropped
				ok = seqs[seq] == 0 && !buffered[seq]
			default:
				ok = seqs[seq] == 1 || buffered[seq]
			}
			if !ok {
				t.Fatalf("agent %s event %d: received %d times, buffered %v; drops were %d…%d",
					a.key.ID, seq, seqs[seq], buffered[seq], cfg.BufferSize+1, lastDropped)
			}
		}
	}
}

func TestForceReconnectAndTimeReconnect(t *testing.T) {
	keyList := makeKeys(2, "rc")
	keys, _ := newKeyring(keyList...)
	mgr := startFakeManager(t, keys)
	cfg := testConfig(mgr.addr())
	cfg.Keys = keyList
	cfg.NotifyTime = 100 * time.Millisecond
	cfg.TimeReconnect = time.Second
	sim := startTestSim(t, cfg)
	poll.Until(t, 10*time.Second, "agents connected", func() bool { return sim.Report().Connected == 2 })
	if err := mgr.sendTo("001", []byte(agentproto.ForceReconnect)); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "a reconnection on force_reconnect", func() bool {
		return sim.Report().Reconnects == 1 && mgr.snapshot()["001"].startups == 2
	})
	if st := mgr.snapshot()["002"]; st.startups != 1 {
		t.Fatalf("agent 002 reconnected too (%d startups)", st.startups)
	}

	mgr.ackKeepalives.Store(false)
	poll.Until(t, 10*time.Second, "reconnections without keepalive acks", func() bool {
		st := mgr.snapshot()
		return st["001"].startups >= 3 && st["002"].startups >= 2
	})
	if r := sim.Report(); r.Failovers != 0 {
		t.Fatalf("a single server cannot fail over:\n%s", r)
	}
}
