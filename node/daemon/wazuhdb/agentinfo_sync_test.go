package wazuhdb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// workerWithPending returns a store with agent 1 syncreq (full data),
// 2 syncreq_keepalive, 3 syncreq_status and 4 synced.
func workerWithPending(t *testing.T) *Store {
	t.Helper()
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2", "a3", "a4"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	mustRun(t, s.RecordKeepalive(ctx, 1, vectorKeepalive, "syncreq", 1700000000))
	mustRun(t, s.RecordKeepalive(ctx, 2, vectorKeepalive, "synced", 1700000000))
	mustRun(t, s.RecordKeepaliveOnly(ctx, 2, "syncreq_keepalive", 1700000020))
	mustRun(t, s.RecordDisconnected(ctx, 3, 3, "syncreq_status", 1700000100))
	mustRun(t, s.RecordKeepaliveOnly(ctx, 4, "synced", 1700000000))
	return s
}

func TestPendingAgentInfo(t *testing.T) {
	s := workerWithPending(t)
	ctx := context.Background()
	b, err := s.PendingAgentInfo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Syncreq) != 1 || b.Syncreq[0].ID != 1 || b.Syncreq[0].OSName != "Debian GNU/Linux" ||
		!reflect.DeepEqual(b.Syncreq[0].Labels, []Label{{"#\"_agent_ip\"", "10.0.2.15"}, {"env", "staging"}}) {
		t.Fatalf("syncreq = %+v", b.Syncreq)
	}
	if want := []AgentKeepalive{{ID: 2, Version: "Wazuh v4.14.7"}}; !reflect.DeepEqual(b.Keepalive, want) {
		t.Fatalf("keepalive = %+v, want %+v", b.Keepalive, want)
	}
	if want := []AgentStatus{{ID: 3, ConnectionStatus: "disconnected", DisconnectionTime: 1700000100, StatusCode: 3}}; !reflect.DeepEqual(b.Status, want) {
		t.Fatalf("status = %+v, want %+v", b.Status, want)
	}
	if len(b.Marks) != 3 || b.Empty() {
		t.Fatalf("marks = %+v", b.Marks)
	}

	limited, err := s.PendingAgentInfo(ctx, 2)
	if err != nil || len(limited.Marks) != 2 || len(limited.Syncreq) != 1 || len(limited.Keepalive) != 1 || len(limited.Status) != 0 {
		t.Fatalf("limit 2 = %+v, %v", limited, err)
	}

	mustRun(t, s.MarkAgentInfoSynced(ctx, b.Marks))
	after, err := s.PendingAgentInfo(ctx, 0)
	if err != nil || !after.Empty() || len(after.Marks) != 0 {
		t.Fatalf("after marking synced: %+v, %v", after, err)
	}
}

// TestWriteBetweenReadAndConfirmStaysPending: a keepalive landing while the
// master stores the batch must be sent again.
func TestWriteBetweenReadAndConfirmStaysPending(t *testing.T) {
	s := workerWithPending(t)
	ctx := context.Background()
	b, err := s.PendingAgentInfo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, s.RecordKeepaliveOnly(ctx, 2, "syncreq_keepalive", 1700000040))
	mustRun(t, s.MarkAgentInfoSynced(ctx, b.Marks))

	again, err := s.PendingAgentInfo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Syncreq) != 0 || len(again.Status) != 0 || !reflect.DeepEqual(again.Keepalive, []AgentKeepalive{{ID: 2, Version: "Wazuh v4.14.7"}}) {
		t.Fatalf("after a keepalive in between: %+v", again)
	}
	mustRun(t, s.MarkAgentInfoSynced(ctx, again.Marks))
	if a := mustAgent(t, s, 2); a.SyncStatus != "synced" {
		t.Fatalf("agent 2 after second confirmation: %s", a.SyncStatus)
	}
}

// TestOtherWritersKeepRowPending: a write through UpdateAgentInfo that leaves
// the row pending also moves its sequence (trigger).
func TestOtherWritersKeepRowPending(t *testing.T) {
	s := workerWithPending(t)
	ctx := context.Background()
	b, err := s.PendingAgentInfo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := mustAgent(t, s, 1)
	a.OSVersion = "13"
	mustRun(t, s.UpdateAgentInfo(ctx, a))
	mustRun(t, s.MarkAgentInfoSynced(ctx, b.Marks))
	again, err := s.PendingAgentInfo(ctx, 0)
	if err != nil || len(again.Syncreq) != 1 || again.Syncreq[0].OSVersion != "13" {
		t.Fatalf("after UpdateAgentInfo in between: %+v, %v", again, err)
	}
}

func TestApplyAgentInfo(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2", "a3"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	mustRun(t, s.RecordKeepalive(ctx, 1, KeepaliveData{Labels: []Label{{"old", "x"}, {"env", "dev"}}}, "synced", 1))
	mustRun(t, s.RecordDisconnected(ctx, 2, 3, "synced", 5))

	full := fullAgentInfo(1)
	full.Name = "renamed"
	full.ConnectionStatus = "bogus" // keeps the stored value
	full.Labels = []Label{{"env", "conformance"}}
	stale := fullAgentInfo(1)
	stale.OSName = "stale"
	b := AgentInfoBatch{
		Syncreq:   []Agent{stale, fullAgentInfo(99), full, {ID: 0, Name: "manager"}},
		Keepalive: []AgentKeepalive{{ID: 2, Version: "Wazuh v4.14.8"}, {ID: 77}},
		Status:    []AgentStatus{{ID: 3, ConnectionStatus: "disconnected", DisconnectionTime: 1700000100, StatusCode: 4}},
		Marks:     []SyncMark{{ID: 1, Seq: 99}},
	}
	n, err := s.ApplyAgentInfo(ctx, b, 1700000200)
	if err != nil || n != 3 {
		t.Fatalf("ApplyAgentInfo = %d, %v; want 3", n, err)
	}
	a := mustAgent(t, s, 1)
	if a.Name != "renamed" || a.OSName != full.OSName || a.ConnectionStatus != "active" || a.IP != full.IP ||
		a.LastKeepalive != full.LastKeepalive || a.SyncStatus != "synced" ||
		!reflect.DeepEqual(a.Labels, []Label{{"env", "conformance"}}) {
		t.Fatalf("agent 1 = %+v", a)
	}
	a = mustAgent(t, s, 2)
	if a.ConnectionStatus != "active" || a.LastKeepalive != 1700000200 || a.DisconnectionTime != 0 ||
		a.StatusCode != 0 || a.Version != "Wazuh v4.14.8" || a.SyncStatus != "synced" {
		t.Fatalf("agent 2 = %+v", a)
	}
	a = mustAgent(t, s, 3)
	if a.ConnectionStatus != "disconnected" || a.DisconnectionTime != 1700000100 || a.StatusCode != 4 || a.SyncStatus != "synced" {
		t.Fatalf("agent 3 = %+v", a)
	}
	var agents, labels99 int
	if err := s.db.QueryRow(`SELECT (SELECT COUNT(*) FROM agent), (SELECT COUNT(*) FROM labels WHERE id = 99)`).Scan(&agents, &labels99); err != nil {
		t.Fatal(err)
	}
	if agents != 3 || labels99 != 0 {
		t.Fatalf("unknown ids written: %d agents, %d labels of 99", agents, labels99)
	}

	// An empty name keeps the stored one; no labels removes them all.
	bare := fullAgentInfo(1)
	bare.Name, bare.Labels = "", nil
	if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{bare}}, 1); err != nil || n != 1 {
		t.Fatalf("second apply = %d, %v", n, err)
	}
	if a := mustAgent(t, s, 1); a.Name != "renamed" || a.Labels != nil {
		t.Fatalf("agent 1 after bare row: name %q labels %v", a.Name, a.Labels)
	}
	if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{}, 1); err != nil || n != 0 {
		t.Fatalf("empty batch = %d, %v", n, err)
	}
}

// TestApplyAgentInfoManyRows crosses statement and padding boundaries and
// leaves master rows synced even when they were pending.
func TestApplyAgentInfoManyRows(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = 1500
	entries := make([]clientkeys.Entry, n)
	for i := range entries {
		entries[i] = clientkeys.Entry{ID: i + 1, Name: fmt.Sprintf("agent%d", i+1), IP: "any", Key: fmt.Sprintf("%064x", i+1)}
	}
	if _, _, _, err := s.ImportClientKeys(ctx, entries); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE agent SET sync_status = 'syncreq' WHERE id % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	var b AgentInfoBatch
	for i := 1; i <= n; i++ {
		a := fullAgentInfo(i)
		a.Labels = nil
		for j := range i % 4 {
			a.Labels = append(a.Labels, Label{fmt.Sprintf("k%d", j), fmt.Sprintf("v%d-%d", i, j)})
		}
		b.Syncreq = append(b.Syncreq, a)
		b.Keepalive = append(b.Keepalive, AgentKeepalive{ID: i})
	}
	updated, err := s.ApplyAgentInfo(ctx, b, 1700000500)
	if err != nil || updated != 2*n {
		t.Fatalf("ApplyAgentInfo = %d, %v; want %d", updated, err, 2*n)
	}
	all, err := s.Agents(ctx)
	if err != nil || len(all) != n {
		t.Fatalf("Agents = %d, %v", len(all), err)
	}
	for i, a := range all {
		want := b.Syncreq[i]
		if a.ID != want.ID || a.Name != want.Name || a.OSUname != want.OSUname || a.LastKeepalive != 1700000500 ||
			a.SyncStatus != "synced" || len(a.Labels) != len(want.Labels) {
			t.Fatalf("agent %d = %+v", want.ID, a)
		}
		for j, l := range a.Labels {
			if l != want.Labels[j] {
				t.Fatalf("agent %d labels %v, want %v", want.ID, a.Labels, want.Labels)
			}
		}
	}
}

func TestMigrationFromFirstSchema(t *testing.T) {
	s, path := openTemp(t)
	// Rebuild the file as the first schema version wrote it.
	s2 := reopenAsEarlierVersion(t, s, path, `DROP INDEX agent_group_hash`, `DROP INDEX agent_info_follow`,
		`DROP TRIGGER agent_info_seq`, `ALTER TABLE agent DROP COLUMN info_seq`,
		`ALTER TABLE agent DROP COLUMN labels_digest`, `UPDATE schema_version SET version = 1`,
		`INSERT INTO agent (id, name, date_add, sync_status) VALUES (5, 'old', 1, 'syncreq')`)
	b, err := s2.PendingAgentInfo(context.Background(), 0)
	if err != nil || len(b.Syncreq) != 1 || b.Marks[0] != (SyncMark{ID: 5, Seq: 0}) {
		t.Fatalf("pending after migration = %+v, %v", b, err)
	}
}

// TestApplyAgentInfoLabels checks that labels are rewritten exactly when they change, whatever
// their order, and again after another writer touched them.
func TestApplyAgentInfoLabels(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	apply := func(labels ...Label) {
		t.Helper()
		a := fullAgentInfo(1)
		a.Labels = labels
		if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{a}}, 1); err != nil || n != 1 {
			t.Fatalf("apply = %d, %v", n, err)
		}
	}
	labels := func() []Label { return mustAgent(t, s, 1).Labels }
	// Count the label rows written.
	for _, q := range []string{`CREATE TABLE label_writes (n INTEGER)`,
		`CREATE TRIGGER count_label_writes AFTER INSERT ON labels BEGIN INSERT INTO label_writes VALUES (1); END`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	writes := func() int {
		t.Helper()
		var n int
		if err := s.db.QueryRow(`SELECT COUNT(*) FROM label_writes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	apply(Label{"env", "dev"}, Label{"team", "blue"})
	if n := writes(); n != 2 {
		t.Fatalf("first apply wrote %d labels, want 2", n)
	}
	apply(Label{"team", "blue"}, Label{"env", "dev"})
	if n := writes(); n != 2 || !reflect.DeepEqual(labels(), []Label{{"env", "dev"}, {"team", "blue"}}) {
		t.Fatalf("same labels in another order rewritten: %d writes, labels %v", n, labels())
	}
	apply(Label{"env", "prod"})
	if got := labels(); !reflect.DeepEqual(got, []Label{{"env", "prod"}}) {
		t.Fatalf("changed labels = %v", got)
	}
	// A key given twice keeps its last value, and the digest says so.
	apply(Label{"env", "x"}, Label{"env", "prod"})
	if got := labels(); !reflect.DeepEqual(got, []Label{{"env", "prod"}}) {
		t.Fatalf("duplicate key = %v", got)
	}
	// Another writer (a keepalive recorded on this node) leaves the digest unknown, so the
	// next apply writes the labels even though they equal the last applied set.
	mustRun(t, s.RecordKeepalive(ctx, 1, KeepaliveData{Labels: []Label{{"local", "y"}}}, "synced", 2))
	apply(Label{"env", "prod"})
	if got := labels(); !reflect.DeepEqual(got, []Label{{"env", "prod"}}) {
		t.Fatalf("labels after another writer = %v", got)
	}
	apply()
	if got := labels(); got != nil {
		t.Fatalf("labels after an empty set = %v", got)
	}
}

// TestApplyAgentInfoStaleRowFromOtherNode: a worker that restarts sends rows it never saw
// confirmed, disconnected; they must not undo the agent's move to another node, whatever the
// clocks say.
func TestApplyAgentInfoStaleRowFromOtherNode(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	row := func(node, status string, keepalive int64, osName string) Agent {
		a := fullAgentInfo(1)
		a.NodeName, a.ConnectionStatus, a.LastKeepalive, a.OSName = node, status, keepalive, osName
		return a
	}
	apply := func(a Agent, want int) {
		t.Helper()
		if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{a}}, 1); err != nil || n != want {
			t.Fatalf("apply %s %s = %d, %v; want %d", a.NodeName, a.ConnectionStatus, n, err, want)
		}
	}
	// A never-connected agent takes whatever a node reports, disconnected included.
	apply(row("worker1", "disconnected", 1000, "first"), 1)
	apply(row("worker2", "active", 2000, "moved"), 1)
	// worker1 restarts and resends its stale row, even with a clock ahead of everyone's.
	apply(row("worker1", "disconnected", 9000, "stale"), 0)
	if a := mustAgent(t, s, 1); a.NodeName != "worker2" || a.OSName != "moved" || a.ConnectionStatus != "active" {
		t.Fatalf("stale row from worker1 applied: %+v", a)
	}
	// The agent's own node always applies, even with an older clock.
	apply(row("worker2", "active", 1900, "same node"), 1)
	// An active row from another node takes the agent, even with an older clock.
	apply(row("worker1", "active", 1800, "back"), 1)
	if a := mustAgent(t, s, 1); a.NodeName != "worker1" || a.OSName != "back" {
		t.Fatalf("active row from worker1: %+v", a)
	}
	// Once the agent is disconnected where it was, another node's disconnected row applies.
	apply(row("worker1", "disconnected", 1850, "gone"), 1)
	apply(row("worker2", "disconnected", 1860, "reset"), 1)
	if a := mustAgent(t, s, 1); a.NodeName != "worker2" || a.OSName != "reset" {
		t.Fatalf("disconnected over disconnected: %+v", a)
	}
}

// TestApplyAgentInfoBatchesIsOneTransaction: batches are written one after the other, a later
// batch over an earlier one, and an error from the caller after some batches were written
// leaves nothing of them.
func TestApplyAgentInfoBatchesIsOneTransaction(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	first, second := fullAgentInfo(1), fullAgentInfo(1)
	first.OSName, second.OSName = "first", "second"
	n, err := s.ApplyAgentInfoBatches(ctx, 1700000300, func(w *AgentInfoWriter) error {
		for _, batch := range [][]Agent{{first, fullAgentInfo(2)}, {second}} {
			if err := w.Syncreq(batch); err != nil {
				return err
			}
		}
		return w.Keepalive([]AgentKeepalive{{ID: 2}})
	})
	if err != nil || n != 4 {
		t.Fatalf("ApplyAgentInfoBatches = %d, %v; want 4", n, err)
	}
	if a := mustAgent(t, s, 1); a.OSName != "second" {
		t.Fatalf("agent 1 has OS %q, want the later batch's", a.OSName)
	}
	if a := mustAgent(t, s, 2); a.LastKeepalive != 1700000300 {
		t.Fatalf("agent 2 last keepalive %d", a.LastKeepalive)
	}

	broken := errors.New("the document ends badly")
	third := fullAgentInfo(1)
	third.OSName = "third"
	_, err = s.ApplyAgentInfoBatches(ctx, 1700000400, func(w *AgentInfoWriter) error {
		if err := w.Syncreq([]Agent{third}); err != nil {
			return err
		}
		if err := w.Keepalive([]AgentKeepalive{{ID: 2}}); err != nil {
			return err
		}
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("ApplyAgentInfoBatches = %v, want the caller's error", err)
	}
	if a := mustAgent(t, s, 1); a.OSName != "second" {
		t.Fatalf("agent 1 has OS %q after a failed apply, want it untouched", a.OSName)
	}
	if a := mustAgent(t, s, 2); a.LastKeepalive != 1700000300 {
		t.Fatalf("agent 2 last keepalive %d after a failed apply", a.LastKeepalive)
	}
}

// Each column the second statement writes is written when it alone changed: the first
// statement's mark decides which rows the second runs over, and no mark outlives the apply.
func TestApplyAgentInfoEachFollowColumnAlone(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	apply := func(edit func(a *Agent)) Agent {
		t.Helper()
		a := fullAgentInfo(1)
		a.Name = "a1"
		edit(&a)
		if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{a}}, 1); err != nil || n != 1 {
			t.Fatalf("apply = %d, %v", n, err)
		}
		if n := markedRows(t, s); n != 0 {
			t.Fatalf("%d rows left marked after an apply", n)
		}
		return mustAgent(t, s, 1)
	}
	apply(func(*Agent) {})
	if got := apply(func(a *Agent) { a.IP = "10.9.9.9" }); got.IP != "10.9.9.9" {
		t.Fatalf("ip = %q after an ip change alone", got.IP)
	}
	if got := apply(func(a *Agent) { a.IP = "" }); got.IP != "" {
		t.Fatalf("ip = %q after an empty ip", got.IP)
	}
	var ipNull bool
	if err := s.db.QueryRow(`SELECT ip IS NULL FROM agent WHERE id = 1`).Scan(&ipNull); err != nil || !ipNull {
		t.Fatalf("an empty ip is stored as NULL: %v, %v", ipNull, err)
	}
	if got := apply(func(a *Agent) { a.Name = "a1-renamed" }); got.Name != "a1-renamed" {
		t.Fatalf("name = %q after a rename alone", got.Name)
	}
	for _, bad := range []string{"", "../../etc", "two\nlines"} {
		if got := apply(func(a *Agent) { a.Name = bad; a.IP = "10.1.1.1" }); got.Name != "a1-renamed" || got.IP != "10.1.1.1" {
			t.Fatalf("name %q, ip %q after a reported name %q", got.Name, got.IP, bad)
		}
	}
	if _, err := s.db.Exec(`UPDATE agent SET sync_status = 'syncreq' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if got := apply(func(a *Agent) { a.Name = "a1-renamed" }); got.SyncStatus != "synced" {
		t.Fatalf("sync_status = %q after an apply of a pending row", got.SyncStatus)
	}
	if got := apply(func(a *Agent) { a.Name = "a1-renamed"; a.Labels = []Label{{"only", "this"}} }); !reflect.DeepEqual(got.Labels, []Label{{"only", "this"}}) {
		t.Fatalf("labels = %v after a labels change alone", got.Labels)
	}
}

func markedRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM agent WHERE labels_digest = ` + followMark).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The CHECK constraints hold around every apply: afterwards, whether it succeeded or failed, a
// value the table does not accept is refused.
func TestApplyAgentInfoLeavesChecksOn(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	refused := func(when string) {
		t.Helper()
		_, err := s.db.Exec(`UPDATE agent SET connection_status = 'bogus' WHERE id = 1`)
		if err == nil || !strings.Contains(err.Error(), "CHECK") {
			t.Fatalf("%s: a bad connection status was not refused: %v", when, err)
		}
	}
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{fullAgentInfo(1)}}, 1); err != nil {
		t.Fatal(err)
	}
	refused("after an apply")
	broken := errors.New("broken document")
	_, err := s.ApplyAgentInfoBatches(ctx, 2, func(w *AgentInfoWriter) error {
		if err := w.Syncreq([]Agent{fullAgentInfo(1)}); err != nil {
			return err
		}
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("apply = %v, want the caller's error", err)
	}
	refused("after a failed apply")
	cancelled, cancel := context.WithCancel(ctx)
	_, err = s.ApplyAgentInfoBatches(cancelled, 3, func(w *AgentInfoWriter) error {
		cancel()
		return w.Syncreq([]Agent{fullAgentInfo(1)})
	})
	if err == nil {
		t.Fatal("an apply whose context ended succeeded")
	}
	refused("after a cancelled apply")
	if n := markedRows(t, s); n != 0 {
		t.Fatalf("%d rows left marked", n)
	}
}

// An indexed column is assigned only on the rows where it changes: SQLite rewrites the index
// entry of every column a statement assigns, on a page the commit then writes, and an agent's
// first report (a new address and labels) had rewritten its name and sync status entries too.
// Triggers on UPDATE OF each column record which ones a statement assigned.
func TestApplyAgentInfoAssignsOnlyTheIndexedColumnsThatChange(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", IP: "any"})
	for _, q := range []string{`CREATE TABLE assigned (col TEXT)`,
		`CREATE TRIGGER assigned_name AFTER UPDATE OF name ON agent BEGIN INSERT INTO assigned VALUES ('name'); END`,
		`CREATE TRIGGER assigned_ip AFTER UPDATE OF ip ON agent BEGIN INSERT INTO assigned VALUES ('ip'); END`,
		`CREATE TRIGGER assigned_sync AFTER UPDATE OF sync_status ON agent BEGIN INSERT INTO assigned VALUES ('sync_status'); END`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	report := fullAgentInfo(1)
	report.Name = "a1"
	apply := func(step string, edit func(a *Agent), want ...string) {
		t.Helper()
		edit(&report)
		if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{report}}, 1); err != nil || n != 1 {
			t.Fatalf("%s: apply = %d, %v", step, n, err)
		}
		var got []string
		rows, err := s.db.Query(`SELECT col FROM assigned ORDER BY col`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			got = append(got, c)
		}
		rows.Close()
		if !slices.Equal(got, want) {
			t.Errorf("%s: assigned %v, want %v", step, got, want)
		}
		if _, err := s.db.Exec(`DELETE FROM assigned`); err != nil {
			t.Fatal(err)
		}
	}
	apply("first report", func(*Agent) {}, "ip")
	apply("the same report", func(*Agent) {})
	apply("new labels", func(a *Agent) { a.Labels = []Label{{"env", "prod"}} })
	apply("new address", func(a *Agent) { a.IP = "10.3.3.3" }, "ip")
	apply("renamed", func(a *Agent) { a.Name = "a1-renamed" }, "name")
	if _, err := s.db.Exec(`UPDATE agent SET sync_status = 'syncreq' WHERE id = 1; DELETE FROM assigned`); err != nil {
		t.Fatal(err)
	}
	apply("a pending row", func(*Agent) {}, "sync_status")
	if got := mustAgent(t, s, 1); got.Name != "a1-renamed" || got.IP != "10.3.3.3" || got.SyncStatus != "synced" ||
		!reflect.DeepEqual(got.Labels, []Label{{"env", "prod"}}) {
		t.Fatalf("agent after the reports: %+v", got)
	}
}
