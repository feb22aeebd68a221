package nodetest_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// Nodes in Wazuh mode (clusterd in place of wazuh-clusterd), each beside its own stand-in
// wazuh-db: the agents' rows live in the manager's wazuh-db, reached on its real sockets.

// seedEverywhere registers agents 1..n in every member's wazuh-db, as the master's authd and
// the workers' wazuh-modulesd (from client.keys) do, and creates the groups.
func seedEverywhere(t *testing.T, c *nodetest.Cluster, n int, groups ...string) {
	t.Helper()
	for _, m := range c.Members() {
		for id := 1; id <= n; id++ {
			if err := m.WazuhDB().AddAgent(standin.Agent{ID: id, Name: fmt.Sprintf("agent-%d", id)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.WazuhDB().CreateGroup(groups...); err != nil {
			t.Fatal(err)
		}
	}
}

// assign sets agents' groups in a member's wazuh-db as the API or authd does (syncreq).
func assign(t *testing.T, m *nodetest.Member, id int, groups ...string) {
	t.Helper()
	quoted := make([]string, len(groups))
	for i, g := range groups {
		quoted[i] = fmt.Sprintf("%q", g)
	}
	cmd := fmt.Sprintf(`global set-agent-groups {"mode":"override","sync_status":"syncreq","data":[{"id":%d,"groups":[%s]}]}`,
		id, strings.Join(quoted, ","))
	if answer := m.WazuhDB().Command(cmd); answer != "ok" {
		t.Fatalf("%s: %s", cmd, answer)
	}
}

// waitDBGroups waits until every member's wazuh-db gives the agent exactly want.
func waitDBGroups(t *testing.T, members []*nodetest.Member, id int, want ...string) {
	t.Helper()
	for _, m := range members {
		nodetest.Eventually(t, 20*time.Second, func() error {
			got, err := m.WazuhDB().Groups(id)
			if err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s's wazuh-db: agent %03d groups %v, want %v", m.Name, id, got, want)
			}
			return nil
		})
	}
}

// waitRow waits until a member's wazuh-db row of the agent passes check.
func waitRow(t *testing.T, m *nodetest.Member, id int, check func(standin.Row) error) {
	t.Helper()
	nodetest.Eventually(t, 20*time.Second, func() error {
		row, ok, err := m.WazuhDB().Agent(id)
		if err != nil || !ok {
			return fmt.Errorf("%s's wazuh-db: agent %03d: %v %v", m.Name, id, ok, err)
		}
		if err := check(row); err != nil {
			return fmt.Errorf("%s's wazuh-db: agent %03d: %w", m.Name, id, err)
		}
		return nil
	})
}

func reportedBy(node, osName string) func(standin.Row) error {
	return func(r standin.Row) error {
		if r.Str("node_name") != node || r.Str("os_name") != osName || r.Str("connection_status") != "active" {
			return fmt.Errorf("node %q os %q status %q", r.Str("node_name"), r.Str("os_name"), r.Str("connection_status"))
		}
		return nil
	}
}

// In Wazuh mode nothing of the embedded store starts: no database file, no enrollment, no
// agent listener (the manager's authd and remoted own their ports).
func TestWazuhModeStartsNoEmbeddedStore(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, WazuhDB: true})
	for _, m := range c.Members() {
		n := m.Node()
		if n.Store() != nil || n.EnrollAddr() != nil || n.AgentAddr() != nil {
			t.Fatalf("%s: store %v, enrollment %v, agent listener %v", m.Name, n.Store() != nil, n.EnrollAddr(), n.AgentAddr())
		}
		if _, err := os.Stat(filepath.Join(m.Home, "var", "db", "global.db")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s has an embedded database: %v", m.Name, err)
		}
		m.WaitLogLine(t, 5*time.Second, "Agents are kept in the manager's wazuh-db", "wdb-http.sock")
	}
}

// Agent-info the workers' remoted wrote in their wazuh-db reaches the master's wazuh-db
// (GET on each worker, POST on the master), and cluster_control reads it there.
func TestWazuhModeAgentInfoReachesTheMaster(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, WazuhDB: true})
	master, w1, w2 := c.Master(), c.Workers()[0], c.Workers()[1]
	seedEverywhere(t, c, 6, "default")
	if err := master.WazuhDB().Exec("UPDATE agent SET connection_status = 'active' WHERE id = 6"); err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= 2; id++ {
		if err := w1.WazuhDB().ReportKeepalive(standin.Report{ID: id, Version: "Wazuh v4.14.7", OSName: "Ubuntu", OSPlatform: "ubuntu",
			NodeName: "worker1", Labels: map[string]string{"site": "north"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w1.WazuhDB().ReportAlive(3); err != nil {
		t.Fatal(err)
	}
	for id := 4; id <= 5; id++ {
		if err := w2.WazuhDB().ReportKeepalive(standin.Report{ID: id, Version: "Wazuh v4.14.7", OSName: "Windows", NodeName: "worker2"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w2.WazuhDB().ReportDisconnected(6); err != nil {
		t.Fatal(err)
	}
	waitRow(t, master, 1, reportedBy("worker1", "Ubuntu"))
	waitRow(t, master, 2, reportedBy("worker1", "Ubuntu"))
	waitRow(t, master, 4, reportedBy("worker2", "Windows"))
	waitRow(t, master, 5, reportedBy("worker2", "Windows"))
	waitRow(t, master, 3, func(r standin.Row) error {
		if r.Str("connection_status") != "active" || r.Int("last_keepalive") == 0 {
			return fmt.Errorf("status %q keepalive %d", r.Str("connection_status"), r.Int("last_keepalive"))
		}
		return nil
	})
	waitRow(t, master, 6, func(r standin.Row) error {
		if r.Str("connection_status") != "disconnected" || r.Int("disconnection_time") == 0 {
			return fmt.Errorf("status %q", r.Str("connection_status"))
		}
		return nil
	})
	if labels, err := master.WazuhDB().Labels(1); err != nil || labels["site"] != "north" || len(labels) != 1 {
		t.Fatalf("master's labels of agent 001: %v %v", labels, err)
	}
	for _, w := range c.Workers() {
		if n, _ := w.WazuhDB().Count("SELECT COUNT(*) FROM agent WHERE sync_status != 'synced'"); n != 0 {
			t.Fatalf("%s's wazuh-db still has %d agents to sync", w.Name, n)
		}
	}

	// cluster_control -a (from a worker, relayed) and -i read the master's wazuh-db.
	out := clusterControl(t, w2, "-a", "-fn", "worker1")
	if !strings.Contains(out, "agent-1") || !strings.Contains(out, "agent-2") || strings.Contains(out, "agent-4") {
		t.Fatalf("cluster_control -a -fn worker1:\n%s", out)
	}
	if out := clusterControl(t, master, "-a"); !strings.Contains(out, "000") || strings.Count(out, "\n") < 7 {
		t.Fatalf("cluster_control -a:\n%s", out)
	}
	nodetest.Eventually(t, 20*time.Second, func() error {
		out := clusterControl(t, master, "-i", "more")
		for _, w := range []string{"worker1", "worker2"} {
			i := strings.Index(out, "    "+w+" (")
			if i < 0 || !strings.Contains(out[i:], "Active agents: 2") {
				return fmt.Errorf("cluster_control -i more:\n%s", out)
			}
		}
		return nil
	})
}

// Agent-groups assigned in the master's wazuh-db reach every worker's wazuh-db; the master's
// rows are marked synced once delivered, and the global hashes then agree.
func TestWazuhModeAgentGroupsReachEveryWorker(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, WazuhDB: true})
	master := c.Master()
	seedEverywhere(t, c, 4, "default", "web")
	assign(t, master, 1, "default")
	assign(t, master, 2, "default", "web")
	assign(t, master, 3, "web")
	waitDBGroups(t, c.Members(), 1, "default")
	waitDBGroups(t, c.Members(), 2, "default", "web")
	waitDBGroups(t, c.Members(), 3, "web")
	assign(t, master, 3, "default")
	waitDBGroups(t, c.Members(), 3, "default")
	nodetest.Eventually(t, 20*time.Second, func() error {
		if n, _ := master.WazuhDB().Count("SELECT COUNT(*) FROM agent WHERE group_sync_status = 'syncreq'"); n != 0 {
			return fmt.Errorf("%d assignments still pending on the master", n)
		}
		want, _, _ := master.WazuhDB().GlobalHash()
		for _, w := range c.Workers() {
			if got, _, _ := w.WazuhDB().GlobalHash(); got != want {
				return fmt.Errorf("%s's hash %s, the master's %s", w.Name, got, want)
			}
		}
		return nil
	})
}

// A worker's wazuh-db changed behind the cluster's back is repaired by the full resync the
// worker asks for after agent_groups_mismatch_limit failed checksums (syn_w_g_c).
func TestWazuhModeDriftedWorkerIsRepaired(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, WazuhDB: true, Tune: func(in *config.Internal) {
		in.Worker.AgentGroupsMismatchLimit = 2
	}})
	master, w1 := c.Master(), c.Workers()[0]
	seedEverywhere(t, c, 5, "default", "web", "db")
	for id := 1; id <= 5; id++ {
		assign(t, master, id, "default", "web")
	}
	for id := 1; id <= 5; id++ {
		waitDBGroups(t, c.Members(), id, "default", "web")
	}
	// Drift: the worker's copy says otherwise, marked synced so nothing else would fix it.
	for id := 2; id <= 4; id++ {
		cmd := fmt.Sprintf(`global set-agent-groups {"mode":"override","sync_status":"synced","data":[{"id":%d,"name":"agent-%d","groups":["db"]}]}`, id, id)
		if answer := w1.WazuhDB().Command(cmd); answer != "ok" {
			t.Fatal(answer)
		}
	}
	if err := w1.WazuhDB().Exec("DELETE FROM belongs WHERE id_agent = 5"); err != nil {
		t.Fatal(err)
	}
	w1.WaitLogLine(t, 20*time.Second, "Sent request to obtain all agent-groups information from the master node.")
	for id := 2; id <= 5; id++ {
		waitDBGroups(t, []*nodetest.Member{w1}, id, "default", "web")
	}
	w1.WaitLogLine(t, 20*time.Second, "Agent-groups recv full", "Finished in")
}

// wazuh-db down on the master, then on a worker: each task logs Wazuh's error and tries again
// next cycle; once wazuh-db is back, nothing is lost, and nothing was marked synced that was
// not delivered.
func TestWazuhModeWazuhDBDownLosesNothing(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, WazuhDB: true, Tune: func(in *config.Internal) {
		in.Worker.AgentGroupsMismatchLimit = 2
	}})
	master, w1 := c.Master(), c.Workers()[0]
	seedEverywhere(t, c, 4, "default", "web")
	assign(t, master, 1, "default")
	waitDBGroups(t, c.Members(), 1, "default")

	// The master's wazuh-db goes down.
	master.WazuhDB().Stop()
	if err := w1.WazuhDB().ReportKeepalive(standin.Report{ID: 2, Version: "Wazuh v4.14.7", OSName: "Ubuntu", NodeName: "worker1"}); err != nil {
		t.Fatal(err)
	}
	assign(t, master, 3, "web") // by the master's API, while its wazuh-db is unreachable from clusterd
	master.WaitLogLine(t, 20*time.Second, "Agent-info sync", "Error 2013")
	master.WaitLogLine(t, 20*time.Second, "Could not read the agent-groups to send")
	w1.WaitLogLine(t, 20*time.Second, "Agent-info sync", "There were 1 chunks with errors")
	// The worker's wazuh-db marked agent 2 synced when the worker read it: only the worker's
	// memory holds it now.
	if n, _ := w1.WazuhDB().Count("SELECT COUNT(*) FROM agent WHERE id = 2 AND sync_status = 'synced'"); n != 1 {
		t.Fatal("the worker's wazuh-db did not hand agent 002 over")
	}
	if n, _ := master.WazuhDB().Count("SELECT COUNT(*) FROM agent WHERE id = 3 AND group_sync_status = 'syncreq'"); n != 1 {
		t.Fatal("agent 003's assignment was marked synced while nobody could read it")
	}
	if err := master.WazuhDB().Start(); err != nil {
		t.Fatal(err)
	}
	waitRow(t, master, 2, reportedBy("worker1", "Ubuntu"))
	waitDBGroups(t, c.Members(), 3, "web")

	// A worker's wazuh-db goes down.
	w1.WazuhDB().Stop()
	if err := w1.WazuhDB().ReportKeepalive(standin.Report{ID: 4, Version: "Wazuh v4.14.7", OSName: "Debian", NodeName: "worker1"}); err != nil {
		t.Fatal(err)
	}
	assign(t, master, 4, "default", "web")
	w1.WaitLogLine(t, 20*time.Second, "Error synchronizing agent info", "Error 2013")
	w1.WaitLogLine(t, 20*time.Second, "Agent-groups recv", "Error 2005")
	waitDBGroups(t, []*nodetest.Member{c.Workers()[1]}, 4, "default", "web")
	if err := w1.WazuhDB().Start(); err != nil {
		t.Fatal(err)
	}
	waitRow(t, master, 4, reportedBy("worker1", "Debian"))
	// The broadcast it missed is repaired by the checksum comparison and the full resync.
	waitDBGroups(t, []*nodetest.Member{w1}, 4, "default", "web")
}
