package manager

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest/standin"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

func startManager(t *testing.T, opts standin.WazuhDBOptions, mopts Options) (*standin.WazuhDB, *Manager) {
	t.Helper()
	home := t.TempDir()
	w, err := standin.StartWazuhDB(home, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	mopts.HTTP.Retries = -1
	m := New(home, mopts)
	t.Cleanup(m.Close)
	return w, m
}

func addAgents(t *testing.T, w *standin.WazuhDB, n int) {
	t.Helper()
	for id := 1; id <= n; id++ {
		if err := w.AddAgent(standin.Agent{ID: id, Name: fmt.Sprintf("agent-%d", id)}); err != nil {
			t.Fatal(err)
		}
	}
}

// A worker's GET marks its rows synced in wazuh-db; until the master confirms them they are
// held and sent again, merged with what changed since.
func TestWorkerAgentInfoIsSentAgainUntilConfirmed(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{Worker: true, NodeName: "worker1"}, Options{})
	store := m.Services(false).AgentInfo
	ctx := context.Background()
	addAgents(t, w, 3)
	if err := w.ReportKeepalive(standin.Report{ID: 1, Version: "Wazuh v4.14.7", NodeName: "worker1"}); err != nil {
		t.Fatal(err)
	}
	first, token1, err := store.PendingAgentInfo(ctx)
	if err != nil || len(first.Syncreq) != 1 || first.Syncreq[0].ID != 1 {
		t.Fatalf("first read %+v %v", first, err)
	}
	if n, _ := w.Count("SELECT COUNT(*) FROM agent WHERE sync_status != 'synced'"); n != 0 {
		t.Fatalf("%d rows not synced in wazuh-db after the GET", n)
	}
	// The master never confirmed (it was down): the next read has agent 1 again, and agent 2.
	if err := w.ReportDisconnected(2); err != nil {
		t.Fatal(err)
	}
	second, token2, err := store.PendingAgentInfo(ctx)
	if err != nil || len(second.Syncreq) != 1 || second.Syncreq[0].ID != 1 || len(second.Status) != 1 || second.Status[0].ID != 2 {
		t.Fatalf("second read %+v %v", second, err)
	}
	// A stale confirmation changes nothing; the last one empties what is held.
	if err := store.ConfirmAgentInfo(ctx, token1); err != nil {
		t.Fatal(err)
	}
	if again, _, _ := store.PendingAgentInfo(ctx); len(again.Syncreq) != 1 {
		t.Fatalf("after a stale confirmation: %+v", again)
	}
	_, token3, _ := store.PendingAgentInfo(ctx)
	_ = token2
	if err := store.ConfirmAgentInfo(ctx, token3); err != nil {
		t.Fatal(err)
	}
	if last, _, err := store.PendingAgentInfo(ctx); err != nil || !last.Empty() {
		t.Fatalf("after the confirmation: %+v %v", last, err)
	}
	// wazuh-db down: the read fails, nothing is marked, nothing is lost.
	if err := w.ReportAlive(3); err != nil {
		t.Fatal(err)
	}
	w.Stop()
	if _, _, err := store.PendingAgentInfo(ctx); !errors.Is(err, messages.ErrWazuhDBSendingHTTP) {
		t.Fatalf("wazuh-db down: %v", err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	if back, _, err := store.PendingAgentInfo(ctx); err != nil || len(back.Keepalive) != 1 || back.Keepalive[0].ID != 3 {
		t.Fatalf("wazuh-db back: %+v %v", back, err)
	}
}

// walker is how the master's actor hands a document over.
func walker(t *testing.T, doc []byte) func(messages.AgentInfoVisitor) error {
	t.Helper()
	d, err := messages.ScanAgentInfoSync(doc)
	if err != nil {
		t.Fatal(err)
	}
	return func(v messages.AgentInfoVisitor) error {
		_, err := d.Walk(v)
		return err
	}
}

// The master posts a large document in several bodies; one that fails half-way through
// decoding posts nothing; unknown agents are skipped by wazuh-db.
func TestMasterAppliesAgentInfoInBodies(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{NodeName: "master"}, Options{MaxPostBody: 4 << 10})
	store := m.Services(true).AgentInfo
	ctx := context.Background()
	addAgents(t, w, 200)
	var c messages.AgentInfoChunks
	for id := 1; id <= 250; id++ { // 201..250 are unknown to the master
		c.Syncreq = append(c.Syncreq, messages.AgentInfoItem{ID: id, Name: fmt.Sprintf("agent-%d", id), Version: "Wazuh v4.14.7",
			NodeName: "worker1", ConnectionStatus: "active", GroupConfigStatus: "synced", OSPlatform: "ubuntu", Labels: []messages.AgentLabel{{Key: "k", Value: "v"}}})
	}
	c.Keepalive = []messages.AgentKeepaliveItem{{ID: 7, Version: "Wazuh v4.14.8"}}
	n, err := store.ApplyAgentInfo(ctx, walker(t, messages.EncodeAgentInfoSync(c)))
	if err != nil || n != 251 {
		t.Fatalf("applied %d, %v", n, err)
	}
	if posts := w.Requests("POST", "/v1/agents/sync"); posts < 3 {
		t.Fatalf("%d POSTs with 4 KiB bodies", posts)
	}
	if k, _ := w.Count("SELECT COUNT(*) FROM agent WHERE node_name = 'worker1' AND os_platform = 'ubuntu'"); k != 200 {
		t.Fatalf("%d agents updated", k)
	}
	if row, _, _ := w.Agent(7); row.Str("version") != "Wazuh v4.14.8" {
		t.Fatalf("the keepalive after the syncreq rows: %v", row["version"])
	}
	if k, _ := w.Count("SELECT COUNT(*) FROM agent"); k != 201 {
		t.Fatalf("%d agents in the master's wazuh-db", k)
	}

	before := w.Requests("POST", "/v1/agents/sync")
	bad := []byte(`{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {"syncreq": [{"id": 1, "name": "x"}, {"id": "two"}]}}`)
	if _, err := store.ApplyAgentInfo(ctx, walker(t, bad)); !errors.Is(err, messages.ErrAgentInfoSync) {
		t.Fatalf("a document that does not decode: %v", err)
	}
	if w.Requests("POST", "/v1/agents/sync") != before {
		t.Fatal("a document that failed to decode was posted")
	}
	// wazuh-db down: the error comes back for the worker's result; nothing is confirmed.
	w.Stop()
	if _, err := store.ApplyAgentInfo(ctx, walker(t, messages.EncodeAgentInfoSync(c))); !errors.Is(err, messages.ErrWazuhDBSendingHTTP) {
		t.Fatalf("wazuh-db down: %v", err)
	}
}

// The groups store over wazuh-db: pending without marking, marking only what did not change,
// the worker's apply, the full read after a recalculation.
func TestGroupsStore(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{}, Options{})
	g := m.Services(true).Groups
	ctx := context.Background()
	addAgents(t, w, 3)
	if err := w.CreateGroup("default", "web"); err != nil {
		t.Fatal(err)
	}
	if answer := w.Command(`global set-agent-groups {"mode":"override","sync_status":"syncreq","data":[{"id":1,"groups":["default"]},{"id":2,"groups":["web"]}]}`); answer != "ok" {
		t.Fatal(answer)
	}
	pending, err := g.PendingGroups(ctx)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending %+v %v", pending, err)
	}
	if again, _ := g.PendingGroups(ctx); len(again) != 2 {
		t.Fatal("reading marked them")
	}
	w.Command(`global set-agent-groups {"mode":"append","sync_status":"syncreq","data":[{"id":2,"groups":["default"]}]}`)
	if err := g.MarkGroupsSynced(ctx, pending); err != nil {
		t.Fatal(err)
	}
	left, err := g.PendingGroups(ctx)
	if err != nil || len(left) != 1 || left[0].ID != 2 || !slices.Equal(left[0].Groups, []string{"web", "default"}) {
		t.Fatalf("left pending %+v %v", left, err)
	}
	hash, ok, err := g.GlobalGroupHash(ctx)
	want, _, _ := w.GlobalHash()
	if err != nil || !ok || hash != want {
		t.Fatalf("hash %q %v %v", hash, ok, err)
	}
	all, err := g.AllGroups(ctx)
	if err != nil || len(all) != 3 || w.Commands("global recalculate-agent-group-hashes") != 1 {
		t.Fatalf("all %+v %v", all, err)
	}
	if err := g.ApplyGroups(ctx, []messages.AgentGroupsEntry{{ID: 3, Name: "agent-3", Groups: []string{"web"}}}); err != nil {
		t.Fatal(err)
	}
	if groups, _ := w.Groups(3); !slices.Equal(groups, []string{"web"}) {
		t.Fatalf("applied %v", groups)
	}
	restore := w.FailCommands("global set-agent-groups", "err Cannot execute Global database query; FOREIGN KEY constraint failed")
	if err := g.ApplyGroups(ctx, []messages.AgentGroupsEntry{{ID: 9, Groups: []string{"web"}}}); err != nil {
		t.Fatalf("the error Wazuh ignores: %v", err)
	}
	restore()
	if err := g.RebuildShared(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// cluster_control -a and -i from wazuh-db.
func TestAgentLister(t *testing.T) {
	w, m := startManager(t, standin.WazuhDBOptions{NodeName: "master"}, Options{})
	lister := m.Services(true).Agents
	if m.Services(false).Agents != nil {
		t.Fatal("a worker lists agents")
	}
	addAgents(t, w, 2)
	if err := w.ReportKeepalive(standin.Report{ID: 2, Version: "Wazuh v4.14.7", NodeName: "worker1"}); err != nil {
		t.Fatal(err)
	}
	rows, err := lister.AgentsOverview(context.Background())
	if err != nil || len(rows) != 3 || rows[0].ID != "000" || rows[0].NodeName != "master" || rows[0].Status != "active" ||
		rows[1].Status != "never_connected" || rows[2].ID != "002" || rows[2].NodeName != "worker1" || rows[2].Version != "Wazuh v4.14.7" {
		t.Fatalf("overview %+v %v", rows, err)
	}
	counts, err := lister.ActiveAgentsByNode(context.Background())
	if err != nil || len(counts) != 1 || counts["worker1"] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := lister.AgentsOverview(ctx); !errors.Is(err, messages.ErrWazuhDBConnect) {
		t.Fatalf("wazuh-db down: %v", err)
	}
	_ = wdb.SocketPath
}
