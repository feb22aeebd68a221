package nodetest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// simFor returns simulated agents that enroll through enrollVia and report to servers, in order.
func simFor(t *testing.T, agents int, prefix string, enrollVia *nodetest.Member, servers ...*nodetest.Member) *agentsim.Sim {
	t.Helper()
	var addrs []string
	for _, m := range servers {
		addrs = append(addrs, m.Node().AgentAddr().String())
	}
	sim, err := agentsim.New(agentsim.Config{
		Servers: addrs, EnrollAddrs: []string{enrollVia.Node().EnrollAddr().String()},
		Agents: agents, NamePrefix: prefix, Version: "v4.14.7",
		NotifyTime: 300 * time.Millisecond, TimeReconnect: 3 * time.Second, RetryInterval: 100 * time.Millisecond,
		MaxRetries: 5, EventsPerSecond: 5, BufferSize: 5000, EnrollConcurrency: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sim.Enroll(ctx); err != nil {
		t.Fatal(err)
	}
	return sim
}

// masterSees waits until the master's store shows every agent of prefix with status and node.
func masterSees(t *testing.T, c *nodetest.Cluster, prefix string, agents int, status, node string) {
	t.Helper()
	nodetest.Eventually(t, 20*time.Second, func() error {
		all, err := c.Master().Node().Store().Agents(context.Background())
		if err != nil {
			return err
		}
		n := 0
		for _, a := range all {
			if !strings.HasPrefix(a.Name, prefix) {
				continue
			}
			if a.ConnectionStatus != status || a.NodeName != node {
				return fmt.Errorf("%s: %s on %q, want %s on %q", a.Name, a.ConnectionStatus, a.NodeName, status, node)
			}
			n++
		}
		if n != agents {
			return fmt.Errorf("%d agents of %s on the master, want %d", n, prefix, agents)
		}
		return nil
	})
}

// archivedBy counts the archive lines of a node that come from agents of prefix.
func archivedBy(t *testing.T, m *nodetest.Member, prefix string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.Home, "logs", "archives", "archives.log"))
	if err != nil {
		return 0
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "("+prefix) && strings.Contains(line, "->/var/log/sim.log:") {
			n++
		}
	}
	return n
}

// Agents enrolled through a worker report to it: the master learns through agent-info that
// they are active on that worker, their events are archived there, a group change reaches them
// as a merged.mg push, and when their worker goes they move to the next node, which the master
// shows too; a clean stop leaves them disconnected.
func TestAgentsReportThroughWorkers(t *testing.T) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(t, nodetest.Options{Workers: 2, GossipTimers: &timers})
	w1, w2 := c.Workers()[0], c.Workers()[1]
	const agents = 6
	sim := simFor(t, agents, "rep", w1, w1, w2)
	// The worker must know the keys before the agents connect (integrity push + keys reload).
	nodetest.Eventually(t, 15*time.Second, func() error {
		for _, w := range []*nodetest.Member{w1, w2} {
			if n := len(w.ClientKeys()); n < agents {
				return fmt.Errorf("%s has %d keys", w.Name, n)
			}
		}
		return nil
	})
	if err := sim.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			sim.Stop()
		}
	}()
	masterSees(t, c, "rep", agents, "active", "worker1")
	out := clusterControl(t, c.Master(), "-a", "-fn", "worker1")
	if strings.Count(out, "active") < agents {
		t.Fatalf("cluster_control -a -fn worker1:\n%s", out)
	}
	// -i more shows each worker's active agents and its last agent-info sync.
	nodetest.Eventually(t, 15*time.Second, func() error {
		out := clusterControl(t, c.Master(), "-i", "more")
		i := strings.Index(out, "    worker1 (")
		if i < 0 {
			return fmt.Errorf("cluster_control -i more:\n%s", out)
		}
		block := out[i:]
		if j := strings.Index(block, "    worker2 ("); j > 0 {
			block = block[:j]
		}
		if !strings.Contains(block, fmt.Sprintf("Active agents: %d", agents)) {
			return fmt.Errorf("cluster_control -i more:\n%s", out)
		}
		if strings.Contains(block, "Last synchronization: n/a (n/a - n/a).\n                Number of synchronized chunks: 0.\n                Permission to synchronize agent-info") {
			return fmt.Errorf("no agent-info sync of worker1 shown:\n%s", out)
		}
		return nil
	})

	// A change of the default group's files reaches every agent as a merged.mg push.
	before := sim.Report().MergedPushes
	if err := c.Master().WriteFile("etc/shared/default/extra.conf", "<localfile/>\n"); err != nil {
		t.Fatal(err)
	}
	nodetest.Eventually(t, 20*time.Second, func() error {
		if got := sim.Report().MergedPushes - before; got < agents {
			return fmt.Errorf("%d merged.mg pushes verified", got)
		}
		return nil
	})

	// worker1 goes away: its agents move to worker2, and the master shows them there.
	if err := w1.Stop(); err != nil {
		t.Fatal(err)
	}
	masterSees(t, c, "rep", agents, "active", "worker2")

	sim.Stop()
	stopped = true
	rep := sim.Report()
	masterSees(t, c, "rep", agents, "disconnected", "worker2")
	archived := archivedBy(t, w1, "rep") + archivedBy(t, w2, "rep")
	lost := rep.EventsSent - int64(archived)
	t.Logf("events sent %d, archived %d (worker1 %d, worker2 %d), failovers %d, times %v",
		rep.EventsSent, archived, archivedBy(t, w1, "rep"), archivedBy(t, w2, "rep"), rep.Failovers, rep.FailoverTimes)
	if rep.EventsSent == 0 || rep.Failovers < agents {
		t.Fatalf("report: %+v", rep)
	}
	if lost < 0 || lost > int64(agents)*10 {
		t.Fatalf("%d events sent, %d archived", rep.EventsSent, archived)
	}
}
