package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

// newReplicatedE2E lays out three master-eligible nodes (master1…3, all listed in every node's
// <nodes>) and two workers as real processes, with production timers: cluster.json sets only
// the gossip port (the cluster port + 1; the replication takes the cluster port + 2).
func newReplicatedE2E(t testing.TB) *e2eCluster {
	base := fmt.Sprintf("127.%d.201.", 1+os.Getpid()%250)
	c := &e2eCluster{t: t, bin: buildBinaries(t), procs: map[string]*proc{}}
	c.port = freeTCPPort(t, base+"1")
	masters := []string{base + "1", base + "2", base + "3"}
	for i, name := range replicatedNodes {
		home, err := os.MkdirTemp("", "clusterd-ha-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(home) })
		p := &proc{name: name, home: home, ip: fmt.Sprintf("%s%d", base, i+1)}
		typ := "master"
		if strings.HasPrefix(name, "worker") {
			typ = "worker"
		}
		writeReplicatedHome(t, p, typ, masters, c.port)
		c.procs[name] = p
	}
	t.Cleanup(c.stopAll)
	return c
}

func writeReplicatedHome(t testing.TB, p *proc, typ string, masters []string, port int) {
	t.Helper()
	nodes := ""
	for _, ip := range masters {
		nodes += "<node>" + ip + "</node>"
	}
	conf := fmt.Sprintf(`<ossec_config>
  <cluster>
    <name>wazuh</name>
    <node_name>%s</node_name>
    <node_type>%s</node_type>
    <key>%s</key>
    <port>%d</port>
    <bind_addr>%s</bind_addr>
    <nodes>%s</nodes>
    <hidden>no</hidden>
    <disabled>no</disabled>
  </cluster>
</ossec_config>
`, p.name, typ, e2eKey, port, p.ip, nodes)
	internal := fmt.Sprintf(`{"clusterd": {"gossip": {"port": %d}}}`, port+1)
	must(t, os.MkdirAll(filepath.Join(p.home, "etc"), 0o750))
	must(t, os.WriteFile(filepath.Join(p.home, "etc", "ossec.conf"), []byte(conf), 0o640))
	must(t, os.WriteFile(filepath.Join(p.home, "etc", "cluster.json"), []byte(internal), 0o640))
}

// actingView asks node for cluster_control -l and returns the master it names and the other
// nodes it lists (sorted); ok is false when the node could not answer.
func (c *e2eCluster) actingView(node string) (master string, others []string, ok bool) {
	out, code := c.control(node, "-l")
	if code != 0 {
		return "", nil, false
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[1] == "master":
			master = f[0]
		case len(f) >= 2 && f[1] == "worker":
			others = append(others, f[0])
		}
	}
	sort.Strings(others)
	return master, others, master != ""
}

// waitActing polls node until it names a master other than not and lists want as its workers
// (nil: whatever it lists); it returns when the master was first named and when the list was complete.
// replicatedNodes are the nodes of newReplicatedE2E: three master-eligible nodes, two workers.
var replicatedNodes = []string{"master1", "master2", "master3", "worker1", "worker2"}

// startAllAndWaitActing starts every node of replicatedNodes and waits until every node names
// the same acting master; rest are the other nodes.
func (c *e2eCluster) startAllAndWaitActing() (acting string, rest []string) {
	for _, n := range replicatedNodes {
		c.start(n)
	}
	acting, _, _ = c.waitActing("worker1", "", nil, time.Minute)
	for _, n := range replicatedNodes {
		if n != acting {
			rest = append(rest, n)
		}
	}
	c.waitActing("worker1", "", rest, time.Minute)
	return acting, rest
}

func (c *e2eCluster) waitActing(node, not string, want []string, timeout time.Duration) (master string, named, complete time.Time) {
	c.t.Helper()
	sort.Strings(want)
	poll.Every(20*time.Millisecond).Until(c.t, timeout, "a new acting master listing every node", func() bool {
		m, others, ok := c.actingView(node)
		if !ok || m == not {
			return false
		}
		if named.IsZero() {
			master, named = m, time.Now()
		}
		if m != master {
			master, named = m, time.Now() // the leadership moved again
		}
		return want == nil || strings.Join(others, ",") == strings.Join(want, ",")
	})
	return master, named, time.Now()
}

// BenchmarkFailoverActingMasterKill9 measures the replicated master's failover with real
// processes and production timers: three master-eligible nodes and two workers; kill -9 of
// the acting master; how long until a survivor names a new acting master, and until that
// master lists every live node (two workers and the other standby) connected to it.
//
//	go test -run '^$' -bench FailoverActingMasterKill9 -benchtime 3x ./cmd/clusterd/
func BenchmarkFailoverActingMasterKill9(b *testing.B) {
	if testing.Short() {
		b.Skip("five processes")
	}
	var toActing, toConnected []time.Duration
	for b.Loop() {
		c := newReplicatedE2E(b)
		acting, rest := c.startAllAndWaitActing()
		killed := time.Now()
		c.signal(acting, syscall.SIGKILL)
		var live []string
		for _, n := range rest {
			if strings.HasPrefix(n, "worker") {
				live = append(live, n)
			}
		}
		// Ask a worker: it relays -l to whichever master it is connected to.
		next, named, _ := c.waitActing("worker1", acting, nil, time.Minute)
		for _, n := range rest {
			if n != next && strings.HasPrefix(n, "master") {
				live = append(live, n)
			}
		}
		_, _, complete := c.waitActing("worker1", acting, live, time.Minute)
		toActing = append(toActing, named.Sub(killed))
		toConnected = append(toConnected, complete.Sub(killed))
		b.Logf("killed %s; %s acting after %s; every node connected to it after %s", acting, next,
			named.Sub(killed).Round(time.Millisecond), complete.Sub(killed).Round(time.Millisecond))
		c.stopAll()
	}
	mean := func(ds []time.Duration) float64 {
		var s time.Duration
		for _, d := range ds {
			s += d
		}
		return s.Seconds() / float64(len(ds))
	}
	b.ReportMetric(mean(toActing), "to-acting-s")
	b.ReportMetric(mean(toConnected), "to-all-connected-s")
}
