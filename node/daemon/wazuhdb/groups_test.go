package wazuhdb

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

func TestGroupHash(t *testing.T) {
	sum := sha256.Sum256([]byte("default,g1"))
	want := hex.EncodeToString(sum[:])[:8]
	if got := GroupHash([]string{"default", "g1"}); got != want || got != "7f8154fe" {
		t.Fatalf("GroupHash = %q, want %q", got, want)
	}
	if got := GroupHash(nil); got != "" {
		t.Fatalf("GroupHash(nil) = %q", got)
	}
}

func TestGlobalHashByHand(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.GlobalGroupHash(ctx); err != nil || ok {
		t.Fatalf("no agents: ok=%v err=%v, want Wazuh's null", ok, err)
	}
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"default", "g1"}})
	mustAdd(t, s, NewAgent{Name: "a2"}) // no groups: skipped
	mustAdd(t, s, NewAgent{Name: "a3", Groups: []string{"g2"}})
	sum := sha1.Sum([]byte("7f8154fe" + "4d2f4b66"))
	want := hex.EncodeToString(sum[:])
	got, ok, err := s.GlobalGroupHash(ctx)
	if err != nil || !ok || got != want || got != "6245b52f4d0e18a601745c3c9c1157f1b501f1eb" {
		t.Fatalf("GlobalGroupHash = %q %v %v, want %q", got, ok, err, want)
	}
	if GlobalHash([]string{"7f8154fe", "4d2f4b66"}) != want {
		t.Fatal("GlobalHash differs from the hand computation")
	}
}

func groupsOf(t *testing.T, s *Store, id int) []string {
	t.Helper()
	return mustAgent(t, s, id).Groups
}

func TestSetAgentGroupsModes(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"default"}})
	mustAdd(t, s, NewAgent{Name: "a2"})

	set := func(mode SetMode, status string, data ...AgentGroups) {
		t.Helper()
		if err := s.SetAgentGroups(ctx, mode, status, data); err != nil {
			t.Fatalf("SetAgentGroups(%s): %v", mode, err)
		}
	}
	set(ModeOverride, "syncreq", AgentGroups{ID: 1, Groups: []string{"g2", "g1", "g2"}})
	a := mustAgent(t, s, 1)
	if !reflect.DeepEqual(a.Groups, []string{"g2", "g1"}) || a.GroupHash != GroupHash([]string{"g2", "g1"}) || a.GroupSyncStatus != "syncreq" {
		t.Fatalf("override: %v %q %q", a.Groups, a.GroupHash, a.GroupSyncStatus)
	}

	set(ModeAppend, "synced", AgentGroups{ID: 1, Groups: []string{"g1", "g3", "default"}})
	a = mustAgent(t, s, 1)
	if !reflect.DeepEqual(a.Groups, []string{"g2", "g1", "g3", "default"}) || a.GroupSyncStatus != "synced" {
		t.Fatalf("append: %v %q", a.Groups, a.GroupSyncStatus)
	}

	set(ModeEmptyOnly, "syncreq", AgentGroups{ID: 1, Groups: []string{"x"}}, AgentGroups{ID: 2, Groups: []string{"y", "z"}})
	if a = mustAgent(t, s, 1); !reflect.DeepEqual(a.Groups, []string{"g2", "g1", "g3", "default"}) || a.GroupSyncStatus != "synced" {
		t.Fatalf("empty_only touched an agent with groups: %v %q", a.Groups, a.GroupSyncStatus)
	}
	if a = mustAgent(t, s, 2); !reflect.DeepEqual(a.Groups, []string{"y", "z"}) || a.GroupSyncStatus != "syncreq" {
		t.Fatalf("empty_only: %v %q", a.Groups, a.GroupSyncStatus)
	}

	set(ModeRemove, "synced", AgentGroups{ID: 1, Groups: []string{"g1", "default", "unknown"}})
	if got := groupsOf(t, s, 1); !reflect.DeepEqual(got, []string{"g2", "g3"}) {
		t.Fatalf("remove: %v", got)
	}
	// Append after a removal keeps priorities unique and order stable.
	set(ModeAppend, "synced", AgentGroups{ID: 1, Groups: []string{"g1"}})
	if got := groupsOf(t, s, 1); !reflect.DeepEqual(got, []string{"g2", "g3", "g1"}) {
		t.Fatalf("append after remove: %v", got)
	}
	// Removing the last groups puts the agent back in default (wazuh-db).
	set(ModeRemove, "synced", AgentGroups{ID: 2, Groups: []string{"y", "z"}})
	if got := groupsOf(t, s, 2); !reflect.DeepEqual(got, []string{"default"}) {
		t.Fatalf("remove all: %v", got)
	}
	// Override with nothing leaves no group and NULL columns.
	set(ModeOverride, "synced", AgentGroups{ID: 2, Groups: nil})
	if a = mustAgent(t, s, 2); a.Groups != nil || a.GroupHash != "" {
		t.Fatalf("override empty: %v %q", a.Groups, a.GroupHash)
	}

	groups, err := s.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []GroupCount{{"default", 0}, {"g1", 1}, {"g2", 1}, {"g3", 1}, {"y", 0}, {"z", 0}}
	if !reflect.DeepEqual(groups, want) {
		t.Fatalf("Groups = %v\nwant %v", groups, want)
	}
}

func TestSetAgentGroupsUnknownAgents(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{
		{ID: 5, Groups: []string{"g1"}},                      // unknown, no name: skipped
		{ID: 6, Name: "worker-seen", Groups: []string{"g1"}}, // created, as on a worker
		{ID: 8, Name: "no-group-yet", Groups: []string{}},    // enrolled without groups
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Agent(ctx, 5); ok {
		t.Fatal("agent 5 created without a name")
	}
	a := mustAgent(t, s, 6)
	if a.Name != "worker-seen" || !reflect.DeepEqual(a.Groups, []string{"g1"}) || a.Key != "" {
		t.Fatalf("created agent = %+v", a)
	}
	if a := mustAgent(t, s, 8); a.Name != "no-group-yet" || len(a.Groups) != 0 {
		t.Fatalf("agent without groups = %+v", a)
	}
	if lines := keyLines(t, s); lines != "" {
		t.Fatalf("a keyless agent reached client.keys: %q", lines)
	}
	// The keys arriving later give it its client.keys line and keep its groups.
	if _, _, _, err := s.ImportClientKeys(ctx, []clientkeys.Entry{{ID: 6, Name: "worker-seen", IP: "any", Key: "k6"}}); err != nil {
		t.Fatal(err)
	}
	if a = mustAgent(t, s, 6); a.Key != "k6" || !reflect.DeepEqual(a.Groups, []string{"g1"}) {
		t.Fatalf("after import: %+v", a)
	}
	if next := mustAdd(t, s, NewAgent{Name: "n1"}); next.ID != 9 {
		t.Fatalf("next id %d, want 9", next.ID)
	}
}

func TestSetAgentGroupsRejects(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"g1"}})
	for _, g := range []string{"", ".", "..", "a/b", "a,b", "a b", string(make([]byte, 256))} {
		err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 1, Groups: []string{g}}})
		if !errors.Is(err, ErrInvalidGroup) {
			t.Errorf("group %q: %v", g, err)
		}
	}
	many := make([]string, 129)
	for i := range many {
		many[i] = "g" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 1, Groups: many}}); !errors.Is(err, ErrInvalidGroup) {
		t.Errorf("129 groups: %v", err)
	}
	if err := s.SetAgentGroups(ctx, "merge", "synced", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad mode: %v", err)
	}
	if err := s.SetAgentGroups(ctx, ModeOverride, "syncreq_keepalive", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad status: %v", err)
	}
	// A failed call changes nothing: one transaction.
	err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{
		{ID: 1, Groups: []string{"ok"}}, {ID: 1, Groups: []string{"bad/one"}}})
	if !errors.Is(err, ErrInvalidGroup) {
		t.Fatalf("mixed call: %v", err)
	}
	if got := groupsOf(t, s, 1); !reflect.DeepEqual(got, []string{"g1"}) {
		t.Fatalf("groups after a failed call: %v", got)
	}
}

func TestDeleteGroup(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"default", "g1"}})
	mustAdd(t, s, NewAgent{Name: "a2", Groups: []string{"g1"}})
	mustAdd(t, s, NewAgent{Name: "a3", Groups: []string{"default"}})
	if err := s.CreateGroup(ctx, "g1"); err != nil {
		t.Fatalf("CreateGroup existing: %v", err)
	}
	if err := s.DeleteGroup(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	a1, a2, a3 := mustAgent(t, s, 1), mustAgent(t, s, 2), mustAgent(t, s, 3)
	if !reflect.DeepEqual(a1.Groups, []string{"default"}) || a1.GroupHash != GroupHash([]string{"default"}) || a1.GroupSyncStatus != "syncreq" {
		t.Fatalf("a1 = %v %q %q", a1.Groups, a1.GroupHash, a1.GroupSyncStatus)
	}
	if a2.Groups != nil || a2.GroupHash != "" || a2.GroupSyncStatus != "syncreq" {
		t.Fatalf("a2 = %v %q %q", a2.Groups, a2.GroupHash, a2.GroupSyncStatus)
	}
	if a3.GroupSyncStatus != "synced" {
		t.Fatalf("non-member touched: %q", a3.GroupSyncStatus)
	}
	if err := s.DeleteGroup(ctx, "g1"); err != nil {
		t.Fatalf("deleting a missing group: %v", err)
	}
	if groups, _ := s.Groups(ctx); !reflect.DeepEqual(groups, []GroupCount{{"default", 2}}) {
		t.Fatalf("Groups = %v", groups)
	}
	if err := s.CreateGroup(ctx, "bad name"); !errors.Is(err, ErrInvalidGroup) {
		t.Fatalf("CreateGroup bad name: %v", err)
	}
}

func TestAgentGroupsPage(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i := 1; i <= 7; i++ {
		status := "synced"
		if i%2 == 1 {
			status = "syncreq" // 1, 3, 5, 7
		}
		var groups []string
		if i != 3 {
			groups = []string{"default"}
		}
		mustAdd(t, s, NewAgent{Name: "a" + string(rune('0'+i)), Groups: groups, GroupSyncStatus: status})
	}
	if n, _ := s.ChangedGroups(ctx); n != 4 {
		t.Fatalf("ChangedGroups = %d, want 4", n)
	}
	wantHash, _, _ := s.GlobalGroupHash(ctx)

	q := GroupsQuery{Condition: "sync_status", SetSynced: true, GetGlobalHash: true, Limit: 3}
	page, more, err := s.AgentGroupsPage(ctx, q)
	if err != nil || !more {
		t.Fatalf("page 1: more=%v err=%v", more, err)
	}
	want := []AgentGroups{{1, "a1", []string{"default"}}, {3, "a3", []string{}}, {5, "a5", []string{"default"}}}
	if !reflect.DeepEqual(page.Data, want) || page.HasHash {
		t.Fatalf("page 1 = %+v", page)
	}
	if n, _ := s.ChangedGroups(ctx); n != 1 {
		t.Fatalf("after page 1 ChangedGroups = %d, want 1", n)
	}
	q.LastID = 5
	page, more, err = s.AgentGroupsPage(ctx, q)
	if err != nil || more {
		t.Fatalf("page 2: more=%v err=%v", more, err)
	}
	if !reflect.DeepEqual(page.Data, []AgentGroups{{7, "a7", []string{"default"}}}) || !page.HasHash || page.Hash != wantHash {
		t.Fatalf("page 2 = %+v, want hash %s", page, wantHash)
	}
	// Everything synced: an empty last page that still carries the hash.
	page, more, err = s.AgentGroupsPage(ctx, GroupsQuery{Condition: "sync_status", GetGlobalHash: true})
	if err != nil || more || len(page.Data) != 0 || page.Data == nil || page.Hash != wantHash {
		t.Fatalf("nothing to sync: %+v %v %v", page, more, err)
	}
	// "all" without set_synced pages over everyone and changes nothing.
	var ids []int
	last := 0
	for {
		page, more, err := s.AgentGroupsPage(ctx, GroupsQuery{Condition: "all", LastID: last, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if page.HasHash {
			t.Fatal("hash returned without GetGlobalHash")
		}
		for _, d := range page.Data {
			ids = append(ids, d.ID)
		}
		if !more {
			break
		}
		last = page.Data[len(page.Data)-1].ID
	}
	if !reflect.DeepEqual(ids, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("all pages = %v", ids)
	}
	// No condition: the worker's checksum query.
	page, more, err = s.AgentGroupsPage(ctx, GroupsQuery{GetGlobalHash: true})
	if err != nil || more || len(page.Data) != 0 || page.Hash != wantHash {
		t.Fatalf("hash only: %+v %v %v", page, more, err)
	}
	if _, _, err := s.AgentGroupsPage(ctx, GroupsQuery{Condition: "bogus"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("bad condition: %v", err)
	}
}

func TestRecalculateGroupHashes(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"default", "g1"}})
	mustAdd(t, s, NewAgent{Name: "a2", Groups: []string{"g2"}})
	want, _, _ := s.GlobalGroupHash(ctx)
	// Damage the derived columns; the memberships are the truth.
	if _, err := s.db.Exec("UPDATE agent SET `group` = 'zzz', group_hash = 'deadbeef' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("UPDATE agent SET group_hash = NULL WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecalculateGroupHashes(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.GlobalGroupHash(ctx); got != want {
		t.Fatalf("hash after recalculation %s, want %s", got, want)
	}
	if a := mustAgent(t, s, 1); !reflect.DeepEqual(a.Groups, []string{"default", "g1"}) || a.GroupSyncStatus != "synced" {
		t.Fatalf("a1 = %+v", a)
	}
}

// The global hash takes the agents' group hashes in id order whatever order they were written
// in, and leaves out agents without groups.
func TestGlobalGroupHashInIDOrder(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = 300
	seedAgents(t, s, n)
	groupsOf := func(id int) []string {
		if id%5 == 0 {
			return nil
		}
		return []string{fmt.Sprintf("g%d", id%7), fmt.Sprintf("h%d", id%3)}
	}
	for id := n; id >= 1; id-- { // the last agent first
		if g := groupsOf(id); g != nil {
			err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: id, Name: fmt.Sprintf("agent%d", id), Groups: g}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var hashes []string
	for id := 1; id <= n; id++ {
		if g := groupsOf(id); g != nil {
			hashes = append(hashes, GroupHash(g))
		}
	}
	got, ok, err := s.GlobalGroupHash(ctx)
	if err != nil || !ok || got != GlobalHash(hashes) {
		t.Fatalf("GlobalGroupHash = %q %v %v, want %q", got, ok, err, GlobalHash(hashes))
	}
}

func TestGroupNamesOf(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	a1 := mustAdd(t, s, NewAgent{Name: "a1", Groups: []string{"g2", "default"}}).ID
	a2 := mustAdd(t, s, NewAgent{Name: "a2"}).ID
	got, err := s.GroupNamesOf(ctx, []int{a1, a2, 999})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{a1: {"g2", "default"}, a2: nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GroupNamesOf = %#v, want %#v (the unknown agent left out)", got, want)
	}
	for _, id := range []int{a1, a2} {
		one, _, err := s.AgentGroupNames(ctx, id)
		if err != nil || !reflect.DeepEqual(one, got[id]) {
			t.Fatalf("agent %d: AgentGroupNames %v %v, GroupNamesOf %v", id, one, err, got[id])
		}
	}
	if got, err := s.GroupNamesOf(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("no agents: %v %v", got, err)
	}
}
