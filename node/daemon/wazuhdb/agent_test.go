package wazuhdb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

func TestAddAgentDefaults(t *testing.T) {
	s, _ := openTemp(t)
	a := mustAdd(t, s, NewAgent{Name: "web01", Key: "abc", DateAdd: 1700000000})
	want := Agent{ID: 1, Name: "web01", IP: "any", RegisterIP: "any", Key: "abc", NodeName: "unknown",
		DateAdd: 1700000000, ConnectionStatus: "never_connected", GroupConfigStatus: "not synced",
		GroupSyncStatus: "synced", SyncStatus: "synced"}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("AddAgent =\n%+v\nwant\n%+v", a, want)
	}
	if got := mustAgent(t, s, 1); !reflect.DeepEqual(got, want) {
		t.Fatalf("Agent(1) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestAddAgentWithGroups(t *testing.T) {
	s, _ := openTemp(t)
	a := mustAdd(t, s, NewAgent{Name: "web01", IP: "10.0.0.1", Groups: []string{"default", "g1", "default"}, GroupSyncStatus: "syncreq"})
	if !reflect.DeepEqual(a.Groups, []string{"default", "g1"}) || a.GroupHash != "7f8154fe" || a.GroupSyncStatus != "syncreq" {
		t.Fatalf("groups = %v hash %q status %q", a.Groups, a.GroupHash, a.GroupSyncStatus)
	}
	if a.IP != "10.0.0.1" || a.RegisterIP != "10.0.0.1" {
		t.Fatalf("ip %q register_ip %q", a.IP, a.RegisterIP)
	}
}

func TestAddAgentRejectsBadFields(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, a := range []NewAgent{
		{Name: "", Key: "k"},
		{Name: "a b", Key: "k"},
		{Name: "!gone", Key: "k"},
		{Name: "ag", Key: ""},
		{Name: "ag", Key: "k\n"},
		{Name: "ag", Key: "k", IP: "1.2.3.4 x"},
		{Name: "ag", Key: "k", ID: -1},
		// Names that fail OS_IsValidName: an agent is never stored under them.
		{Name: "x", Key: "k"},
		{Name: "../../etc", Key: "k"},
		{Name: ".hidden", Key: "k"},
		{Name: strings.Repeat("a", 129), Key: "k"},
	} {
		if _, err := s.AddAgent(ctx, a); !errors.Is(err, ErrInvalidAgent) {
			t.Errorf("AddAgent(%+v) = %v, want ErrInvalidAgent", a, err)
		}
	}
	if _, err := s.AddAgent(ctx, NewAgent{Name: "ag", Key: "k", Groups: []string{"bad/group"}}); !errors.Is(err, ErrInvalidGroup) {
		t.Errorf("bad group: %v", err)
	}
	if _, err := s.AddAgent(ctx, NewAgent{Name: "ag", Key: "k", GroupSyncStatus: "maybe"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad sync status: %v", err)
	}
}

func TestIDAllocationCountsRemovedEntries(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	entries := []clientkeys.Entry{
		{ID: 5, Name: "five", IP: "any", Key: "k5"},
		{ID: 7, Name: "seven", IP: "any", Key: "k7", Removed: true},
	}
	if _, _, _, err := s.ImportClientKeys(ctx, entries); err != nil {
		t.Fatal(err)
	}
	if a := mustAdd(t, s, NewAgent{Name: "next"}); a.ID != 8 {
		t.Fatalf("after 005 and removed 007: id %d, want 8", a.ID)
	}
	// Purged ids stay counted across a restart.
	if err := s.RemoveAgent(ctx, 8, true); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	if a := mustAdd(t, s, NewAgent{Name: "after-purge"}); a.ID != 9 {
		t.Fatalf("after purged 008: id %d, want 9", a.ID)
	}
}

func TestExplicitID(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if a := mustAdd(t, s, NewAgent{ID: 42, Name: "x1"}); a.ID != 42 {
		t.Fatalf("explicit id: %d", a.ID)
	}
	if _, err := s.AddAgent(ctx, NewAgent{ID: 42, Name: "y1", Key: "k"}); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("reused id: %v, want ErrDuplicateID", err)
	}
	if a := mustAdd(t, s, NewAgent{Name: "z1"}); a.ID != 43 {
		t.Fatalf("after explicit 42: id %d, want 43", a.ID)
	}
}

func TestRemoveMovesLastKeyIntoSlot(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2", "a3", "a4"} {
		mustAdd(t, s, NewAgent{Name: n, Key: "k" + n})
	}
	if err := s.RemoveAgent(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	want := "001 a1 any ka1\n004 a4 any ka4\n003 a3 any ka3\n002 !a2 any ka2\n"
	if got := keyLines(t, s); got != want {
		t.Fatalf("client.keys after removing 002:\n%s\nwant\n%s", got, want)
	}
	// Removing the last entry moves nothing.
	if err := s.RemoveAgent(ctx, 3, true); err != nil {
		t.Fatal(err)
	}
	want = "001 a1 any ka1\n004 a4 any ka4\n002 !a2 any ka2\n"
	if got := keyLines(t, s); got != want {
		t.Fatalf("client.keys after purging 003:\n%s\nwant\n%s", got, want)
	}
	if err := s.RemoveAgent(ctx, 3, false); !errors.Is(err, ErrAgentNotFound) {
		t.Fatalf("removing a missing agent: %v", err)
	}
	s = reopen(t, s, path)
	if got := keyLines(t, s); got != want {
		t.Fatalf("client.keys after restart:\n%s\nwant\n%s", got, want)
	}
	if a := mustAdd(t, s, NewAgent{Name: "a5", Key: "ka5"}); a.ID != 5 {
		t.Fatalf("next id %d, want 5", a.ID)
	}
	want = "001 a1 any ka1\n004 a4 any ka4\n005 a5 any ka5\n002 !a2 any ka2\n"
	if got := keyLines(t, s); got != want {
		t.Fatalf("client.keys after adding:\n%s\nwant\n%s", got, want)
	}
}

func TestRemoveDeletesLabelsAndMemberships(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"g1"}})
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 1, Labels: []Label{{"env", "prod"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAgent(ctx, 1, false); err != nil {
		t.Fatal(err)
	}
	var labels, belongs int
	if err := s.db.QueryRow(`SELECT (SELECT COUNT(*) FROM labels), (SELECT COUNT(*) FROM belongs)`).Scan(&labels, &belongs); err != nil {
		t.Fatal(err)
	}
	if labels != 0 || belongs != 0 {
		t.Fatalf("left %d labels, %d memberships", labels, belongs)
	}
	groups, err := s.Groups(ctx)
	if err != nil || !reflect.DeepEqual(groups, []GroupCount{{"g1", 0}}) {
		t.Fatalf("Groups = %v, %v", groups, err)
	}
}

func TestLookups(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "web01", IP: "10.0.0.1"})
	mustAdd(t, s, NewAgent{Name: "db01", IP: "10.0.0.2"})
	if a, ok, err := s.AgentByName(ctx, "db01"); err != nil || !ok || a.ID != 2 {
		t.Fatalf("AgentByName = %+v %v %v", a, ok, err)
	}
	if a, ok, err := s.AgentByIP(ctx, "10.0.0.1"); err != nil || !ok || a.ID != 1 {
		t.Fatalf("AgentByIP = %+v %v %v", a, ok, err)
	}
	if _, ok, err := s.AgentByIP(ctx, "10.0.0"); err != nil || ok {
		t.Fatalf("AgentByIP prefix matched: %v %v", ok, err)
	}
	if _, ok, err := s.AgentByName(ctx, "nope"); err != nil || ok {
		t.Fatalf("AgentByName missing: %v %v", ok, err)
	}
	if err := s.RemoveAgent(ctx, 1, false); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.AgentByIP(ctx, "10.0.0.1"); err != nil || ok {
		t.Fatalf("removed agent still found by ip: %v %v", ok, err)
	}
	all, err := s.Agents(ctx)
	if err != nil || len(all) != 1 || all[0].Name != "db01" {
		t.Fatalf("Agents = %+v, %v", all, err)
	}
}

func TestConcurrentAddAgent(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = 50
	ids := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.AddAgent(ctx, NewAgent{Name: fmt.Sprintf("agent%02d", i), Key: fmt.Sprintf("key%02d", i)})
			ids[i], errs[i] = a.ID, err
		}()
	}
	wg.Wait()
	seen := make(map[int]bool)
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if seen[ids[i]] {
			t.Fatalf("id %d allocated twice", ids[i])
		}
		seen[ids[i]] = true
	}
	all, err := s.Agents(ctx)
	if err != nil || len(all) != n {
		t.Fatalf("Agents: %d, %v", len(all), err)
	}
	entries, err := s.ClientKeys(ctx)
	if err != nil || len(entries) != n {
		t.Fatalf("ClientKeys: %d, %v", len(entries), err)
	}
	for id := 1; id <= n; id++ {
		if !seen[id] {
			t.Fatalf("id %d missing: ids are not 1..%d", id, n)
		}
	}
}

func TestUpdateAgentInfo(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "web01", Key: "k1", DateAdd: 1700000000, Groups: []string{"default"}})
	info := Agent{ID: 1, IP: "10.0.2.15", OSName: "Debian GNU/Linux", OSVersion: "12", OSMajor: "12",
		OSCodename: "bookworm", OSPlatform: "debian", OSUname: "Linux |vec-agent", OSArch: "x86_64",
		Version: "Wazuh v4.14.7", ConfigSum: "cs", MergedSum: "ms", ManagerHost: "mgr", NodeName: "w1",
		LastKeepalive: 1700000100, ConnectionStatus: "active", GroupConfigStatus: "synced",
		SyncStatus: "syncreq", Labels: []Label{{"env", "staging"}, {"#\"_agent_ip\"", "10.0.2.15"}},
		// Not stored by an info update:
		RegisterIP: "1.1.1.1", Key: "other", Groups: []string{"g9"}}
	if err := s.UpdateAgentInfo(ctx, info); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	got := mustAgent(t, s, 1)
	want := info
	want.Name, want.RegisterIP, want.Key, want.DateAdd = "web01", "any", "k1", 1700000000
	want.Groups, want.GroupHash, want.GroupSyncStatus = []string{"default"}, GroupHash([]string{"default"}), "synced"
	want.Labels = []Label{{"#\"_agent_ip\"", "10.0.2.15"}, {"env", "staging"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after update:\n%+v\nwant\n%+v", got, want)
	}
	// Labels are replaced, blank statuses keep the stored value.
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 1, Labels: []Label{{"x", "y"}}}); err != nil {
		t.Fatal(err)
	}
	got = mustAgent(t, s, 1)
	if !reflect.DeepEqual(got.Labels, []Label{{"x", "y"}}) || got.ConnectionStatus != "active" || got.SyncStatus != "syncreq" || got.OSName != "" {
		t.Fatalf("second update: %+v", got)
	}
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 99}); !errors.Is(err, ErrAgentNotFound) {
		t.Fatalf("unknown agent: %v", err)
	}
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 1, ConnectionStatus: "sleeping"}); err == nil {
		t.Fatal("invalid connection_status accepted")
	}
	n, err := s.UpdateAgentsInfo(ctx, []Agent{{ID: 1, Version: "v"}, {ID: 2}, {ID: 3}})
	if err != nil || n != 1 {
		t.Fatalf("UpdateAgentsInfo = %d, %v; want 1", n, err)
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", IP: "10.0.0.1", Groups: []string{"default", "g1"}, GroupSyncStatus: "syncreq"})
	mustAdd(t, s, NewAgent{Name: "a2"})
	mustAdd(t, s, NewAgent{Name: "a3", Groups: []string{"g2"}})
	if err := s.RemoveAgent(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 1, Version: "Wazuh v4.14.7", Labels: []Label{{"k", "v"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGroup(ctx, "empty"); err != nil {
		t.Fatal(err)
	}
	agents, _ := s.Agents(ctx)
	groups, _ := s.Groups(ctx)
	keys := keyLines(t, s)
	hash, _, _ := s.GlobalGroupHash(ctx)

	s = reopen(t, s, path)
	agents2, err := s.Agents(ctx)
	if err != nil || !reflect.DeepEqual(agents, agents2) {
		t.Fatalf("agents differ after restart:\n%+v\n%+v (%v)", agents, agents2, err)
	}
	if groups2, _ := s.Groups(ctx); !reflect.DeepEqual(groups, groups2) {
		t.Fatalf("groups differ: %v vs %v", groups, groups2)
	}
	if keys2 := keyLines(t, s); keys != keys2 {
		t.Fatalf("client.keys differ:\n%s\n%s", keys, keys2)
	}
	if hash2, _, _ := s.GlobalGroupHash(ctx); hash != hash2 {
		t.Fatalf("global hash differs: %s vs %s", hash, hash2)
	}
	if n, _ := s.ChangedGroups(ctx); n != 1 {
		t.Fatalf("ChangedGroups after restart = %d, want 1", n)
	}
}

func TestCountAgentsByStatus(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2", "a3"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	mustRun(t, s.RecordKeepaliveOnly(ctx, 1, "synced", 1000))
	mustRun(t, s.RecordDisconnected(ctx, 2, 3, "synced", 1100))
	counts, err := s.CountAgentsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"active": 1, "disconnected": 1, "never_connected": 1}; !reflect.DeepEqual(counts, want) {
		t.Fatalf("counts = %v, want %v", counts, want)
	}
}

func TestAgentGroupNamesAndActiveByNode(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"a1", "a2", "a3"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	if err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 1, Groups: []string{"web", "default"}}}); err != nil {
		t.Fatal(err)
	}
	if groups, ok, err := s.AgentGroupNames(ctx, 1); err != nil || !ok || !reflect.DeepEqual(groups, []string{"web", "default"}) {
		t.Fatalf("groups of 1 = %v %v %v", groups, ok, err)
	}
	if groups, ok, err := s.AgentGroupNames(ctx, 2); err != nil || !ok || len(groups) != 0 {
		t.Fatalf("groups of 2 = %v %v %v", groups, ok, err)
	}
	if _, ok, err := s.AgentGroupNames(ctx, 99); err != nil || ok {
		t.Fatalf("unknown agent: %v %v", ok, err)
	}
	mustRun(t, s.RecordKeepalive(ctx, 1, KeepaliveData{NodeName: "worker1"}, "synced", 1000))
	mustRun(t, s.RecordKeepalive(ctx, 2, KeepaliveData{NodeName: "worker1"}, "synced", 1000))
	mustRun(t, s.RecordKeepalive(ctx, 3, KeepaliveData{NodeName: "worker2"}, "synced", 1000))
	mustRun(t, s.RecordDisconnected(ctx, 3, 3, "synced", 1100))
	counts, err := s.CountActiveByNode(ctx)
	if err != nil || !reflect.DeepEqual(counts, map[string]int{"worker1": 2}) {
		t.Fatalf("active by node = %v, %v", counts, err)
	}
}
