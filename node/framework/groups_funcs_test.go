package framework

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func TestGetAgentsInGroup(t *testing.T) {
	n := agentsNode(t)
	cases := []struct{ kwargs, ids string }{
		{`{"group_list": ["default"]}`, "001,002,003"},
		{`{"group_list": ["dbs"], "offset": 0, "limit": 500}`, "002"},
		{`{"group_list": ["default"], "q": "status=active,status=never_connected"}`, "001,003"},
	}
	for _, tc := range cases {
		a := affected(t, n.run(request(t, "wazuh.agent", "get_agents_in_group", tc.kwargs, reqOpts{})))
		if ids := strings.Join(itemValues(a.Items, "id"), ","); ids != tc.ids {
			t.Errorf("%s: %s, want %s", tc.kwargs, ids, tc.ids)
		}
	}
	if e := exception(t, n.run(request(t, "wazuh.agent", "get_agents_in_group", `{"group_list": ["ghost"]}`, reqOpts{}))); e.Code != 1710 {
		t.Errorf("unknown group: %d", e.Code)
	}
	// group:read on the group, agent:read on some of its agents.
	policies := `{"group:read": {"group:id:default": "allow"}, "agent:read": {"agent:id:002": "allow"}, "rbac_mode": "white"}`
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents_in_group", `{"group_list": ["default"]}`, reqOpts{policies: policies})))
	if ids := strings.Join(itemValues(a.Items, "id"), ","); ids != "002" {
		t.Errorf("with agent:read on 002 only: %s", ids)
	}
	if e := exception(t, n.run(request(t, "wazuh.agent", "get_agents_in_group", `{"group_list": ["dbs"]}`, reqOpts{policies: policies}))); e.Code != 4000 {
		t.Errorf("without group:read: %d", e.Code)
	}
}

func TestGetAgentGroups(t *testing.T) {
	n := agentsNode(t)
	conf := []byte("<agent_config></agent_config>\n")
	if err := os.WriteFile(filepath.Join(n.home, "etc", "shared", "default", "agent.conf"), conf, 0o640); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(conf)
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agent_groups", `{"offset": 0, "limit": 500}`, reqOpts{})))
	got := string(messages.EncodeJSON(a.Items))
	want := `[{"name": "dbs", "count": 1}, {"name": "default", "count": 3, "configSum": "` + hex.EncodeToString(sum[:]) + `"}, {"name": "mail", "count": 1}]`
	if got != want || a.Total != 3 {
		t.Errorf("groups (%d)\n got %s\nwant %s", a.Total, got, want)
	}
	a = affected(t, n.run(request(t, "wazuh.agent", "get_agent_groups",
		`{"group_list": ["mail", "ghost", "default"], "sort_by": ["count"], "sort_ascending": false, "select": ["count"]}`, reqOpts{})))
	if got := string(messages.EncodeJSON(a.Items)); got != `[{"count": 3, "name": "default"}, {"count": 1, "name": "mail"}]` {
		t.Errorf("sorted and selected: %s", got)
	}
	if got := failedCodes(a); !reflect.DeepEqual(got, []string{"1710:ghost"}) {
		t.Errorf("failed %v", got)
	}
	a = affected(t, n.run(request(t, "wazuh.agent", "get_agent_groups", `{"search_text": "MAI", "q": "count>0"}`, reqOpts{})))
	if got := strings.Join(itemValues(a.Items, "name"), ","); got != "mail" {
		t.Errorf("searched: %s", got)
	}
	a = affected(t, n.run(request(t, "wazuh.agent", "get_agent_groups", `{}`,
		reqOpts{policies: `{"group:read": {"group:id:dbs": "allow"}, "rbac_mode": "white"}`})))
	if got := strings.Join(itemValues(a.Items, "name"), ","); got != "dbs" {
		t.Errorf("a caller who may read dbs: %s", got)
	}
	if e := exception(t, n.run(request(t, "wazuh.agent", "get_agent_groups", `{"hash_algorithm": "crc"}`, reqOpts{}))); e.Code != 1723 {
		t.Errorf("hash algorithm: %d", e.Code)
	}
}

func TestGroupAssignments(t *testing.T) {
	n := agentsNode(t)
	groupsOf := func(id int) string {
		t.Helper()
		g, _, err := n.store.AgentGroupNames(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(g, ",")
	}
	a := affected(t, n.run(request(t, "wazuh.agent", "assign_agents_to_group",
		`{"group_list": ["dbs"], "agent_list": ["003", "002", "000", "999"]}`, reqOpts{policies: adminPolicies(t)})))
	if got := string(messages.EncodeJSON(a.Items)); got != `["003"]` || a.AllMsg != "All selected agents were assigned to dbs" {
		t.Errorf("assigned %s (%q)", got, a.AllMsg)
	}
	if got := failedCodes(a); !reflect.DeepEqual(got, []string{"1703:000", "1701:999", "1751:002"}) {
		t.Errorf("failed %v", got)
	}
	if g := groupsOf(3); g != "default,dbs" {
		t.Errorf("003 groups %s", g)
	}
	// replace: only when the caller may change every group the agent had.
	a = affected(t, n.run(request(t, "wazuh.agent", "assign_agents_to_group",
		`{"group_list": ["mail"], "agent_list": ["001", "002"], "replace": true}`,
		reqOpts{policies: `{"group:modify_assignments": {"group:id:mail": "allow", "group:id:default": "allow"}, "agent:modify_group": {"agent:id:*": "allow"}, "rbac_mode": "white"}`})))
	if got := string(messages.EncodeJSON(a.Items)); got != `["001"]` || !reflect.DeepEqual(failedCodes(a), []string{"1752:002"}) {
		t.Errorf("replace: %s %v", got, failedCodes(a))
	}
	if g := groupsOf(1); g != "mail" {
		t.Errorf("001 groups %s", g)
	}
	if e := exception(t, n.run(request(t, "wazuh.agent", "assign_agents_to_group", `{"group_list": ["ghost"], "agent_list": ["001"]}`, reqOpts{}))); e.Code != 1710 {
		t.Errorf("unknown group: %d", e.Code)
	}

	got := wazuhResult(t, n.run(request(t, "wazuh.agent", "remove_agent_from_group", `{"group_list": ["dbs"], "agent_list": ["002"]}`, reqOpts{})))
	if s := string(messages.EncodeJSON(got)); s != `{"message": "Agent '002' removed from 'dbs'."}` {
		t.Errorf("removed: %s", s)
	}
	got = wazuhResult(t, n.run(request(t, "wazuh.agent", "remove_agent_from_group", `{"group_list": ["mail"], "agent_list": ["001"]}`, reqOpts{})))
	if s := string(messages.EncodeJSON(got)); s != `{"message": "Agent '001' removed from 'mail'. Agent reassigned to group default."}` || groupsOf(1) != "default" {
		t.Errorf("last group removed: %s (groups %s)", s, groupsOf(1))
	}
	for _, tc := range []struct {
		kwargs string
		code   int
	}{
		{`{"group_list": ["default"], "agent_list": ["001"]}`, 1745},
		{`{"group_list": ["dbs"], "agent_list": ["001"]}`, 1734},
		{`{"group_list": ["dbs"], "agent_list": ["000"]}`, 1703},
		{`{"group_list": ["dbs"], "agent_list": ["999"]}`, 1701},
		{`{"group_list": ["ghost"], "agent_list": ["001"]}`, 1710},
	} {
		if e := exception(t, n.run(request(t, "wazuh.agent", "remove_agent_from_group", tc.kwargs, reqOpts{}))); e.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.kwargs, e.Code, tc.code)
		}
	}

	a = affected(t, n.run(request(t, "wazuh.agent", "remove_agent_from_groups", `{"agent_list": ["003"], "group_list": ["default", "dbs", "ghost"]}`, reqOpts{})))
	if got := string(messages.EncodeJSON(a.Items)); got != `["dbs"]` || !reflect.DeepEqual(failedCodes(a), []string{"1710:ghost", "1745:default"}) {
		t.Errorf("from groups: %s %v", got, failedCodes(a))
	}
	n.addAgent(agentSpec{name: "extra", groups: []string{"default", "mail"}})
	a = affected(t, n.run(request(t, "wazuh.agent", "remove_agents_from_group", `{"group_list": ["mail"], "agent_list": ["005", "004", "002", "000"]}`, reqOpts{})))
	if got := string(messages.EncodeJSON(a.Items)); got != `["004", "005"]` || !reflect.DeepEqual(failedCodes(a), []string{"1734:002", "1703:000"}) {
		t.Errorf("agents from group: %s %v", got, failedCodes(a))
	}
	if groupsOf(4) != "default" || groupsOf(5) != "default" {
		t.Errorf("groups after: 004 %s, 005 %s", groupsOf(4), groupsOf(5))
	}
}

func TestAgentsSyncGroup(t *testing.T) {
	n := agentsNode(t)
	merged := []byte("#default\n")
	if err := os.WriteFile(filepath.Join(n.home, "etc", "shared", "default", "merged.mg"), merged, 0o640); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(merged)
	ag, _, _ := n.store.Agent(context.Background(), 1)
	ag.MergedSum = hex.EncodeToString(sum[:])
	if err := n.store.UpdateAgentInfo(context.Background(), ag); err != nil {
		t.Fatal(err)
	}
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents_sync_group", `{"agent_list": ["002", "001", "000", "999"]}`, reqOpts{})))
	if got := string(messages.EncodeJSON(a.Items)); got != `[{"id": "001", "synced": true}, {"id": "002", "synced": false}]` {
		t.Errorf("sync %s", got)
	}
	if got := failedCodes(a); !reflect.DeepEqual(got, []string{"1703:000", "1701:999"}) {
		t.Errorf("failed %v", got)
	}
}
