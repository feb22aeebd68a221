package nodetest_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// enrollMany enrolls n agents on m with the groups of groupsOf(i) and returns their ids.
func enrollMany(t *testing.T, m *nodetest.Member, n int, groupsOf func(i int) string) []int {
	t.Helper()
	var ids []int
	for i := range n {
		var id int
		fmt.Sscanf(enroll(t, m, fmt.Sprintf("OSSEC A:'kept-%02d' V:'v4.14.7' G:'%s'", i, groupsOf(i))), "%d", &id)
		ids = append(ids, id)
	}
	// The master's client.keys follows its store: wait until it lists them all.
	nodetest.Eventually(t, 15*time.Second, func() error {
		if got := len(m.ClientKeys()); got != n {
			return fmt.Errorf("client.keys lists %d agents, want %d", got, n)
		}
		return nil
	})
	return ids
}

// removeStore deletes a stopped node's agent database (and its WAL files).
func removeStore(t *testing.T, m *nodetest.Member) {
	t.Helper()
	db := node.DBPath(m.Home)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// A master whose agent database is gone, beside a client.keys listing agents and group
// folders, rebuilds its agents from client.keys without their groups. It says so, naming the
// files, and holds its agent-groups: the worker keeps every membership. Once an operator has
// restored the memberships and removed the marker, the master's state goes out again.
func TestRebuiltMasterStoreHoldsAgentGroups(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	m, w := c.Master(), c.Workers()[0]
	agentGroupsTool(t, m, "-a", "-g", "web")
	agentGroupsTool(t, m, "-a", "-g", "db")
	want := func(i int) []string { return [][]string{{"web"}, {"db"}, {"db", "web"}}[i%3] }
	ids := enrollMany(t, m, 10, func(i int) string { return strings.Join(want(i), ",") })
	for i, id := range ids {
		waitGroups(t, c.Members(), id, want(i)...)
	}

	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
	removeStore(t, m)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	line := m.WaitLogLine(t, 5*time.Second, "WARNING:", "held no agent", node.DBPath(m.Home),
		filepath.Join(m.Home, "etc", "client.keys"), "2 groups (db, web)")
	t.Logf("start-up warning: %s", line)
	c.WaitConnected(15 * time.Second)
	ctx := context.Background()
	if all, err := m.Node().Store().Agents(ctx); err != nil || len(all) != 10 {
		t.Fatalf("the master rebuilt %d agents (%v), want 10", len(all), err)
	}

	// Several agent-groups cycles with the worker connected: nothing reaches it.
	held := func() int { return m.LogCount("agent-groups held") }
	nodetest.Eventually(t, 20*time.Second, func() error {
		if n := held(); n < 4 {
			return fmt.Errorf("%d held agent-groups cycles, want 4", n)
		}
		return nil
	})
	for i, id := range ids {
		if got, err := groupsOf(w, id); err != nil || !slices.Equal(got, want(i)) {
			t.Fatalf("the worker's agent %03d has groups %v (%v), want %v", id, got, err, want(i))
		}
	}

	// The operator assigns the groups again and ends the hold.
	var restored []wazuhdb.AgentGroups
	for _, id := range ids {
		restored = append(restored, wazuhdb.AgentGroups{ID: id, Groups: []string{"db"}})
	}
	if err := m.Node().Store().SetAgentGroups(ctx, wazuhdb.ModeOverride, "syncreq", restored); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(m.Home, "var", "db", "agent-groups.hold")); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		waitGroups(t, []*nodetest.Member{w}, id, "db")
	}
}

// A master's agent database that exists but cannot be what it was stops the node with an
// error naming the file: a 0-byte file (which SQLite would take for an empty database) or a
// database without tables beside a client.keys that lists agents, and a file that is not a
// database at all. A 0-byte file beside no agent loses nothing and is used.
func TestDamagedStoreStopsTheNode(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{})
	m := c.Master()
	enrollMany(t, m, 3, func(int) string { return "default" })
	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
	db := node.DBPath(m.Home)
	healthy, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		content    []byte
	}{
		{"0-byte file", "an empty file (0 bytes), while", nil},
		{"SQLite header without tables", "a database without tables, while", tablelessDatabase(t)},
		{"not a database", "", []byte(strings.Repeat("not a database ", 600))},
		{"truncated database", "", healthy[:len(healthy)/2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			removeStore(t, m)
			if err := os.WriteFile(db, tc.content, 0o640); err != nil {
				t.Fatal(err)
			}
			err := m.Start()
			if err == nil {
				_ = m.Stop()
				t.Fatal("the node started")
			}
			if !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("the error does not name %s (%q): %v", db, tc.want, err)
			}
			t.Logf("refused: %v", err)
		})
	}

	// Without any agent in client.keys, a 0-byte file is an empty database.
	removeStore(t, m)
	if err := os.WriteFile(db, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.Home, "etc", "client.keys"), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatalf("0-byte file beside an empty client.keys: %v", err)
	}
}

// tablelessDatabase returns the bytes of a SQLite database that has a header and no table.
func tablelessDatabase(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "blank.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("PRAGMA user_version = 7"); err != nil { // writes the header only
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatalf("blank database: %d bytes, %v", len(b), err)
	}
	return b
}

// While the agent-groups are held, an agent that reports to the master with no group known
// there keeps its configuration: the master does not move it to "default" (and push that
// group's merged.mg) on the strength of a store that lost its memberships.
func TestHeldAgentGroupsGiveNoAgentTheDefaultGroup(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{})
	m := c.Master()
	agentGroupsTool(t, m, "-a", "-g", "web")
	ids := enrollMany(t, m, 3, func(int) string { return "web" })
	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
	removeStore(t, m)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(m.Home, "etc", "client.keys"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := agentsim.ParseClientKeys(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := agentsim.New(agentsim.Config{
		Servers: []string{m.Node().AgentAddr().String()}, Keys: keys, Agents: len(keys), Version: "v4.14.7",
		NotifyTime: 200 * time.Millisecond, TimeReconnect: 3 * time.Second, RetryInterval: 100 * time.Millisecond, MaxRetries: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer sim.Stop()
	masterSees(t, c, "kept", len(ids), "active", "master")
	m.WaitLogLine(t, 10*time.Second, "assign group: agent-groups held")
	for _, id := range ids {
		if got, err := groupsOf(m, id); err != nil || len(got) != 0 {
			t.Fatalf("agent %03d has groups %v (%v) on the held master, want none", id, got, err)
		}
	}
}
