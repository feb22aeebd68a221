package wdb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest/standin"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// startStandIn runs a stand-in wazuh-db under a fresh home and returns clients of both sockets.
func startStandIn(t *testing.T, opts standin.WazuhDBOptions) (*standin.WazuhDB, *wdb.Client, *wdb.HTTPClient) {
	t.Helper()
	home := t.TempDir()
	w, err := standin.StartWazuhDB(home, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	h := wdb.NewHTTPClient(wdb.HTTPSocketPath(home), wdb.HTTPOptions{Retries: -1})
	t.Cleanup(h.Close)
	return w, wdb.NewClient(wdb.SocketPath(home), wdb.Options{Timeout: 10 * time.Second}), h
}

func seedAgents(t *testing.T, w *standin.WazuhDB, n int, name func(int) string) {
	t.Helper()
	for id := 1; id <= n; id++ {
		if err := w.AddAgent(standin.Agent{ID: id, Name: name(id)}); err != nil {
			t.Fatal(err)
		}
	}
}

// The agent-groups commands of §7.1 against the stand-in: paging by last_id over several
// pages, the hash, set-agent-groups split to fit wazuh-db's request size, the recalculation,
// and marking delivered only what did not change since it was read.
func TestClientAgentGroups(t *testing.T) {
	w, c, _ := startStandIn(t, standin.WazuhDBOptions{})
	ctx := context.Background()
	const agents = 700
	long := strings.Repeat("n", 150)
	seedAgents(t, w, agents, func(id int) string { return fmt.Sprintf("%s-%d", long, id) })
	if err := w.CreateGroup("default", "web"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.GlobalGroupHash(ctx); err != nil || ok {
		t.Fatalf("no group yet: hash ok=%v err=%v, want null", ok, err)
	}
	var data []messages.AgentGroupsEntry
	for id := 1; id <= agents; id++ {
		data = append(data, messages.AgentGroupsEntry{ID: id, Name: fmt.Sprintf("%s-%d", long, id), Groups: []string{"default", "web"}})
	}
	if err := c.SetAgentGroups(ctx, "override", "syncreq", data); err != nil {
		t.Fatal(err)
	}
	if n := w.Commands("global set-agent-groups"); n < 2 {
		t.Fatalf("%d set-agent-groups commands for %d agents with long names, want the command split", n, agents)
	}
	pending, err := c.AgentGroups(ctx, wdb.ConditionSyncStatus, 0)
	if err != nil || len(pending) != agents || pending[agents-1].ID != agents || !slices.Equal(pending[0].Groups, []string{"default", "web"}) {
		t.Fatalf("pending: %d entries, %v", len(pending), err)
	}
	if n := w.Commands("global sync-agent-groups-get"); n < 3 {
		t.Fatalf("%d pages for %d agents of about 200 bytes", n, agents)
	}
	hash, ok, err := c.GlobalGroupHash(ctx)
	want, _, _ := w.GlobalHash()
	if err != nil || !ok || hash != want {
		t.Fatalf("hash %q %v %v, want %q", hash, ok, err, want)
	}

	// Agent 2 changes after the read: marking what was read leaves it pending.
	if err := c.SetAgentGroups(ctx, "override", "syncreq", []messages.AgentGroupsEntry{{ID: 2, Groups: []string{"web"}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkGroupsSynced(ctx, pending); err != nil {
		t.Fatal(err)
	}
	left, err := c.AgentGroups(ctx, wdb.ConditionSyncStatus, 0)
	if err != nil || len(left) != 1 || left[0].ID != 2 || !slices.Equal(left[0].Groups, []string{"web"}) {
		t.Fatalf("after marking: %+v %v", left, err)
	}
	all, err := c.AgentGroups(ctx, wdb.ConditionAll, 0)
	if err != nil || len(all) != agents {
		t.Fatalf("all: %d %v", len(all), err)
	}
	if _, err := c.AgentGroups(ctx, wdb.ConditionAll, agents-1); !errors.Is(err, wdb.ErrTooLarge) {
		t.Fatalf("beyond maxAgents: %v", err)
	}

	if err := w.Exec("UPDATE agent SET `group` = 'stale' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := c.RecalculateAgentGroupHashes(ctx); err != nil {
		t.Fatal(err)
	}
	if row, _, _ := w.Agent(1); row.Str("group") != "default,web" {
		t.Fatalf("after recalculation: %v", row["group"])
	}

	// Groups the database does not have: wazuh-db's err, as Wazuh's 2003 with its text.
	err = c.SetAgentGroups(ctx, "override", "synced", []messages.AgentGroupsEntry{{ID: 1, Groups: []string{"nope"}}})
	if !errors.Is(err, messages.ErrWazuhDBRequest) || !errors.Is(err, wdb.ErrAnswer) ||
		err.Error() != "Error 2003 - Error in wazuhdb request: An error occurred during the set of the groups" {
		t.Fatalf("unknown group: %v", err)
	}
}

// Agents pages the overview with global sql, halving a page wazuh-db cut; the active counts
// leave the manager out.
func TestClientAgentsOverview(t *testing.T) {
	w, c, _ := startStandIn(t, standin.WazuhDBOptions{NodeName: "master-node"})
	ctx := context.Background()
	const agents = 600
	long := strings.Repeat("a", 300) // 256 rows do not fit one answer
	seedAgents(t, w, agents, func(id int) string { return fmt.Sprintf("%s-%d", long, id) })
	for id := 1; id <= 10; id++ {
		node := "worker1"
		if id > 7 {
			node = "master-node"
		}
		if err := w.ReportKeepalive(standin.Report{ID: id, Version: "Wazuh v4.14.7", NodeName: node}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := c.Agents(ctx, 0)
	if err != nil || len(rows) != agents+1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[0].ID != 0 || rows[0].NodeName != "master-node" || rows[0].ConnectionStatus != "active" ||
		rows[1].ConnectionStatus != "active" || rows[1].NodeName != "worker1" || rows[agents].ConnectionStatus != "never_connected" {
		t.Fatalf("rows %+v %+v %+v", rows[0], rows[1], rows[agents])
	}
	// 256 rows were cut (one answer more), then pages of 128: 601 rows in 5 pages.
	if n := w.Commands("global sql"); n != 6 {
		t.Fatalf("%d global sql requests, want the first page cut and halved", n)
	}
	counts, err := c.ActiveAgentsByNode(ctx)
	if err != nil || counts["worker1"] != 7 || counts["master-node"] != 3 || len(counts) != 2 {
		t.Fatalf("active by node %v %v", counts, err)
	}
}

// The HTTP API: the worker's GET (which marks what it returns synced), the master's POST, the
// summary.
func TestHTTPClientAgentsSync(t *testing.T) {
	worker, _, wh := startStandIn(t, standin.WazuhDBOptions{Worker: true, NodeName: "worker1"})
	master, _, mh := startStandIn(t, standin.WazuhDBOptions{NodeName: "master"})
	ctx := context.Background()
	seedAgents(t, worker, 3, func(id int) string { return fmt.Sprintf("agent-%d", id) })
	seedAgents(t, master, 3, func(id int) string { return fmt.Sprintf("agent-%d", id) })
	chunks, err := wh.AgentsSync(ctx)
	if err != nil || !chunks.Empty() {
		t.Fatalf("nothing changed: %+v %v", chunks, err)
	}
	if err := worker.ReportKeepalive(standin.Report{ID: 1, Version: "Wazuh v4.14.7", OSPlatform: "ubuntu", NodeName: "worker1",
		Labels: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if err := worker.ReportAlive(2); err != nil {
		t.Fatal(err)
	}
	chunks, err = wh.AgentsSync(ctx)
	if err != nil || len(chunks.Syncreq) != 1 || len(chunks.Keepalive) != 1 || chunks.Syncreq[0].Labels[0].Value != "v" {
		t.Fatalf("changes: %+v %v", chunks, err)
	}
	if again, err := wh.AgentsSync(ctx); err != nil || !again.Empty() {
		t.Fatalf("a second GET: %+v %v (the first marked them synced)", again, err)
	}
	var body messages.AgentInfoChunksWriter
	_ = body.Syncreq(chunks.Syncreq)
	_ = body.Keepalive(chunks.Keepalive)
	if err := mh.SetAgentsSync(ctx, body.AppendTo(nil)); err != nil {
		t.Fatal(err)
	}
	if row, _, _ := master.Agent(1); row.Str("os_platform") != "ubuntu" || row.Str("connection_status") != "active" {
		t.Fatalf("master's agent 1 %v", row)
	}
	s, err := mh.AgentsSummary(ctx, nil)
	if err != nil || s.ByStatus["active"] != 2 || s.ByOS["ubuntu"] != 1 {
		t.Fatalf("summary %+v %v", s, err)
	}
	s, err = mh.AgentsSummary(ctx, []int{3})
	if err != nil || s.ByStatus["never_connected"] != 1 || s.ByStatus["active"] != 0 {
		t.Fatalf("summary of agent 3: %+v %v", s, err)
	}
	// wazuh-db failing the POST: Wazuh's 2012.
	restore := master.FailHTTP("POST", "/v1/agents/sync", 500, "boom")
	defer restore()
	if err := mh.SetAgentsSync(ctx, []byte(`{}`)); !errors.Is(err, messages.ErrWazuhDBInvalidHTTPRequest) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a failing POST: %v", err)
	}
}
