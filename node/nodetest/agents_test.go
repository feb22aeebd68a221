package nodetest_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/nodetest"
)

var enrolledReply = regexp.MustCompile(`^OSSEC K:'(\d{3,}) (\S+) (\S+) ([0-9a-f]{64})'$`)

// enroll enrolls name on m and returns the id the master gave it.
func enroll(t *testing.T, m *nodetest.Member, line string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reply, err := m.Enroll(ctx, line)
	if err != nil {
		t.Fatalf("enroll on %s: %v", m.Name, err)
	}
	got := enrolledReply.FindStringSubmatch(reply)
	if got == nil {
		t.Fatalf("enroll %q on %s: reply %q", line, m.Name, reply)
	}
	return got[1]
}

// hasKeyLine reports whether a client.keys line for id and name is among lines.
func hasKeyLine(lines []string, id, name string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, id+" "+name+" ") {
			return true
		}
	}
	return false
}

// Enrolling on the master and through a worker: both get a key from the master, the keys reach
// every worker's client.keys and store, and cluster_control -a lists the agents from any node.
func TestEnrollOnMasterAndThroughWorker(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	w1, w2 := c.Workers()[0], c.Workers()[1]
	idMaster := enroll(t, c.Master(), "OSSEC A:'agent-m' V:'v4.14.7'")
	idWorker := enroll(t, w1, "OSSEC A:'agent-w' V:'v4.14.7' G:'default'")
	if idMaster == idWorker {
		t.Fatalf("both agents got id %s", idMaster)
	}
	nodetest.Eventually(t, 5*time.Second, func() error {
		if !hasKeyLine(c.Master().ClientKeys(), idWorker, "agent-w") {
			return fmt.Errorf("master client.keys lacks agent-w: %v", c.Master().ClientKeys())
		}
		return nil
	})
	// The new keys reach every worker (integrity push) and their stores (keys watch).
	for _, w := range []*nodetest.Member{w1, w2} {
		nodetest.Eventually(t, 10*time.Second, func() error {
			keys := w.ClientKeys()
			if !hasKeyLine(keys, idMaster, "agent-m") || !hasKeyLine(keys, idWorker, "agent-w") {
				return fmt.Errorf("%s client.keys = %v", w.Name, keys)
			}
			a, ok, err := w.Node().Store().AgentByName(context.Background(), "agent-w")
			if err != nil || !ok {
				return fmt.Errorf("%s store lacks agent-w (%v)", w.Name, err)
			}
			if strings.Join(a.Groups, ",") != "default" {
				return fmt.Errorf("%s: agent-w groups %v", w.Name, a.Groups)
			}
			return nil
		})
	}
	for _, m := range []*nodetest.Member{c.Master(), w2} {
		out := clusterControl(t, m, "-a")
		for _, want := range []string{"ID", "NODE NAME", "agent-m", "agent-w", "never_connected"} {
			if !strings.Contains(out, want) {
				t.Fatalf("cluster_control -a on %s lacks %q:\n%s", m.Name, want, out)
			}
		}
	}
	out := clusterControl(t, w1, "-a", "-fs", "active")
	if strings.Contains(out, "agent-m") {
		t.Fatalf("-fs active lists a never-connected agent:\n%s", out)
	}
	// A duplicate name through a worker gets the master's refusal, worded as a worker does.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	reply, err := w2.Enroll(ctx, "OSSEC A:'agent-w' V:'v4.14.7'")
	if err != nil || reply != "ERROR: Duplicate name. Unable to add agent" {
		t.Fatalf("duplicate through a worker: %q, %v", reply, err)
	}
}

// With its master gone, a worker refuses enrollments with Wazuh's text and writes nothing.
func TestEnrollThroughWorkerWithoutMaster(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	w := c.Workers()[0]
	if err := c.Master().Stop(); err != nil {
		t.Fatal(err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if ok, _ := w.WorkerConnected(); ok {
			return fmt.Errorf("worker still connected")
		}
		return nil
	})
	before := w.ClientKeys()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reply, err := w.Enroll(ctx, "OSSEC A:'orphan' V:'v4.14.7'")
	if err != nil {
		t.Fatal(err)
	}
	if reply != "ERROR: Cannot comunicate with master. Unable to add agent" {
		t.Fatalf("reply = %q", reply)
	}
	if got := w.ClientKeys(); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Fatalf("worker client.keys changed: %v", got)
	}
	if _, ok, _ := w.Node().Store().AgentByName(context.Background(), "orphan"); ok {
		t.Fatal("the worker's store has the refused agent")
	}
}

// 200 agents enrolling at once on three nodes: unique ids, no lost line in client.keys, every
// key on every worker.
func TestEnrollConcurrentlyOnThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("200 enrollments")
	}
	timers := gossip.DefaultTimers()
	c := nodetest.Start(t, nodetest.Options{Workers: 2, GossipTimers: &timers})
	const agents = 200
	members := c.Members()
	ids := make([]string, agents)
	errs := make(chan error, agents)
	var wg sync.WaitGroup
	for i := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			reply, err := members[i%len(members)].Enroll(ctx, fmt.Sprintf("OSSEC A:'load-%03d' V:'v4.14.7'", i))
			if err != nil {
				errs <- err
				return
			}
			m := enrolledReply.FindStringSubmatch(reply)
			if m == nil {
				errs <- fmt.Errorf("load-%03d: %q", i, reply)
				return
			}
			ids[i] = m[1]
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("id %s given twice", id)
		}
		seen[id] = true
	}
	for _, m := range members {
		nodetest.Eventually(t, 20*time.Second, func() error {
			keys := m.ClientKeys()
			for i, id := range ids {
				if !hasKeyLine(keys, id, fmt.Sprintf("load-%03d", i)) {
					return fmt.Errorf("%s lacks load-%03d (%d lines)", m.Name, i, len(keys))
				}
			}
			return nil
		})
	}
}

// An enrollment through a worker whose master acknowledges the forwarded request only after
// timeout_cluster_request still gets its key: the late acknowledgement is no failure, and the
// request is not sent twice (which the master would refuse as a duplicate name).
func TestEnrollThroughWorkerWithSlowMaster(t *testing.T) {
	// Liveness on Wazuh's own timers, so that the held frame does not also cost the
	// connection (a request lost with its connection is another case: see sendsync_worker.go).
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Worker.KeepAlive = time.Minute
		in.Master.MaxAllowedTimeWithoutKeepalive = 2 * time.Minute
	}})
	c.WaitConnectedFor(t, 20*time.Second)
	w := c.Workers()[0]
	// The master's handler of worker1 holds the next frame it reads (and so the forwarded
	// request behind it) longer than timeout_cluster_request, 2 s in test clusters.
	handler := actors.Path(actors.NamePeers) + "/" + w.Name
	c.Master().Node().Kit().Faults.Set(handler, actors.Fault{Delay: 3 * time.Second, Times: 1, MessageType: "*actors.inboundFrame"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reply, err := w.Enroll(ctx, "OSSEC A:'patient' V:'v4.14.7'")
	if err != nil {
		t.Fatal(err)
	}
	if !enrolledReply.MatchString(reply) {
		t.Fatalf("reply = %q", reply)
	}
}
