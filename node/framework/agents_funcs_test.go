package framework

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// agentsNode is a master with four agents (and the manager, 000):
//
//	001 web   active           Wazuh v4.14.7  worker1      ubuntu   default
//	002 db    disconnected     Wazuh v4.8.0   worker1      centos   default,dbs
//	003 new   never_connected  -              unknown      -        default
//	004 mail  active           Wazuh v4.14.7  master-node  windows  mail
func agentsNode(t testing.TB) *testNode {
	n := newTestNode(t)
	n.addGroup("dbs")
	n.addGroup("mail")
	now := time.Now().Unix()
	n.addAgent(agentSpec{name: "web", ip: "10.0.0.9", status: "active", version: "Wazuh v4.14.7", node: "worker1",
		platform: "ubuntu", osName: "Ubuntu", major: "22", minor: "04", keepalive: now})
	n.addAgent(agentSpec{name: "db", ip: "10.0.0.10", status: "disconnected", version: "Wazuh v4.8.0", node: "worker1",
		platform: "centos", osName: "CentOS Linux", major: "7", minor: "9", keepalive: now - 7200, groups: []string{"default", "dbs"}})
	n.addAgent(agentSpec{name: "new"})
	n.addAgent(agentSpec{name: "mail", ip: "10.0.0.11", status: "active", version: "Wazuh v4.14.7", node: "master-node",
		platform: "windows", osName: "Microsoft Windows Server 2022", major: "10", minor: "0", keepalive: now, groups: []string{"mail"}})
	return n
}

// cluster_control -a sends exactly this (control.get_agents).
func overviewRequest(status, node string) string {
	return `{"filters": {"status": "` + status + `", "node_name": "` + node + `"}, "limit": null, "select": ["status", "ip", "name", "node_name", "version", "id"]}`
}

func TestAgentsOverviewAsClusterControlAsks(t *testing.T) {
	n := agentsNode(t)
	got := wazuhResult(t, n.run(request(t, "wazuh.core.agent", "Agent.get_agents_overview", overviewRequest("all", "all"), reqOpts{})))
	items, _ := got.Get("items")
	total, _ := got.Get("totalItems")
	list, _ := items.([]any)
	if messages.PyStr(total) != "5" || len(list) != 5 {
		t.Fatalf("%d items, totalItems %v", len(list), total)
	}
	manager := list[0].(messages.Object)
	want := messages.Object{{Key: "id", Value: "000"}, {Key: "name", Value: "wazuh-master"}, {Key: "ip", Value: "127.0.0.1"},
		{Key: "status", Value: "active"}, {Key: "version", Value: "Wazuh v4.14.7"}, {Key: "node_name", Value: "master-node"}}
	if !reflect.DeepEqual(manager, want) {
		t.Errorf("manager %v, want %v", manager, want)
	}
	never := list[3].(messages.Object)
	if never.Has("version") || field(never, "ip") != "any" || field(never, "status") != "never_connected" || field(never, "node_name") != "unknown" {
		t.Errorf("never-connected agent %v", never)
	}
	cases := []struct{ status, node, ids string }{
		{"active", "all", "000,001,004"},
		{"active,disconnected", "all", "000,001,002,004"},
		{"all", "worker1", "001,002"},
		{"active", "worker1,master-node", "000,001,004"},
		{"pending", "all", ""},
	}
	for _, tc := range cases {
		got := wazuhResult(t, n.run(request(t, "wazuh.core.agent", "Agent.get_agents_overview", overviewRequest(tc.status, tc.node), reqOpts{})))
		items, _ := got.Get("items")
		if ids := strings.Join(itemValues(items.([]any), "id"), ","); ids != tc.ids {
			t.Errorf("status %s node %s: %s, want %s", tc.status, tc.node, ids, tc.ids)
		}
	}
}

// The node choice of the DAPI and the health count ask the overview this way.
func TestAgentsOverviewForRoutingAndHealth(t *testing.T) {
	n := agentsNode(t)
	got := wazuhResult(t, n.run(request(t, "wazuh.core.agent", "Agent.get_agents_overview",
		`{"select": ["node_name"], "limit": null, "filters": {"id": ["001", "004", "999"]}}`, reqOpts{})))
	items, _ := got.Get("items")
	if s := messages.EncodeJSON(items); string(s) != `[{"id": "001", "node_name": "worker1"}, {"id": "004", "node_name": "master-node"}]` {
		t.Errorf("by id: %s", s)
	}
	got = wazuhResult(t, n.run(request(t, "wazuh.core.agent", "Agent.get_agents_overview",
		`{"filters": {"status": "active", "node_name": "master-node"}, "limit": null, "count": true, "get_data": false, "q": "id!=000"}`, reqOpts{})))
	if s := messages.EncodeJSON(got); string(s) != `{"totalItems": 1}` {
		t.Errorf("active on the master without the manager: %s", s)
	}
	got = wazuhResult(t, n.run(request(t, "wazuh.core.agent", "Agent.get_agents_overview",
		`{"select": ["node_name"], "limit": null, "sort": {"fields": ["node_name"], "order": "desc"}}`, reqOpts{})))
	items, _ = got.Get("items")
	if s := strings.Join(itemValues(items.([]any), "node_name"), ","); s != "worker1,worker1,unknown,master-node,master-node" {
		t.Errorf("by node, descending: %s", s)
	}
}

func TestGetAgents(t *testing.T) {
	n := agentsNode(t)
	admin := adminPolicies(t)
	cases := []struct {
		name, kwargs, policies string
		ids                    string
		total                  int
		failed                 []string
	}{
		{name: "the API's defaults", kwargs: `{"offset": 0, "limit": 500, "filters": {}, "distinct": false}`, policies: admin,
			ids: "000,001,002,003,004", total: 5},
		{name: "an empty select is every field", kwargs: `{"select": [], "limit": 1}`, ids: "000", total: 5},
		{name: "status list", kwargs: `{"filters": {"status": ["active", "never_connected"]}}`, ids: "000,001,003,004", total: 4},
		{name: "status and node", kwargs: `{"filters": {"status": ["active"], "node_name": "worker1"}}`, ids: "001", total: 1},
		{name: "agents list, one unknown", kwargs: `{"agent_list": ["002", "001", "999"]}`, policies: admin, ids: "001,002",
			total: 2, failed: []string{"1701:999"}},
		{name: "group filter", kwargs: `{"filters": {"group": "dbs"}}`, ids: "002", total: 1},
		{name: "q and", kwargs: `{"q": "status=active;node_name=worker1"}`, ids: "001", total: 1},
		{name: "q or with parentheses", kwargs: `{"q": "(status=disconnected,status=never_connected);id>2"}`, ids: "003", total: 1},
		{name: "q like", kwargs: `{"q": "name~ai"}`, ids: "004", total: 1},
		// The manager has no group: NOT (NULL LIKE ...) is not true either.
		{name: "q not", kwargs: `{"q": "group!=default"}`, ids: "004", total: 1},
		{name: "q null", kwargs: `{"q": "version=null"}`, ids: "003", total: 1},
		{name: "q os field", kwargs: `{"q": "os.platform=centos"}`, ids: "002", total: 1},
		{name: "q all passes", kwargs: `{"q": "status=all"}`, ids: "000,001,002,003,004", total: 5},
		{name: "q recent keepalive", kwargs: `{"q": "lastKeepAlive<1h"}`, ids: "001,004", total: 2},
		{name: "older_than", kwargs: `{"filters": {"older_than": "1h"}}`, ids: "002,003", total: 2},
		{name: "version filter as the API writes it", kwargs: `{"filters": {"version": "4.8.0"}}`, ids: "002", total: 1},
		{name: "search", kwargs: `{"search": {"value": "10.0.0.1", "negation": false}}`, ids: "002,004", total: 2},
		{name: "search a group", kwargs: `{"search": {"value": "dbs", "negation": false}}`, ids: "002", total: 1},
		{name: "search negated", kwargs: `{"search": {"value": "worker", "negation": true}}`, ids: "000,003,004", total: 3},
		{name: "sort and page", kwargs: `{"sort": {"fields": ["name"], "order": "desc"}, "offset": 1, "limit": 2}`,
			ids: "000,003", total: 5}, // web, wazuh-master, new, mail, db
		// Pages by id cross the manager's row, which is read apart from the store's.
		{name: "first page", kwargs: `{"offset": 0, "limit": 2}`, ids: "000,001", total: 5},
		{name: "second page", kwargs: `{"offset": 1, "limit": 2}`, ids: "001,002", total: 5},
		{name: "the manager alone", kwargs: `{"offset": 0, "limit": 1}`, ids: "000", total: 5},
		{name: "last page", kwargs: `{"offset": 4, "limit": 3}`, ids: "004", total: 5},
		{name: "past the end", kwargs: `{"offset": 9, "limit": 3}`, ids: "", total: 5},
		{name: "sorted by id", kwargs: `{"sort": {"fields": ["id"], "order": "asc"}, "offset": 1, "limit": 1}`, ids: "001", total: 5},
		{name: "sorted by id, descending", kwargs: `{"sort": {"fields": ["id"], "order": "desc"}, "offset": 3, "limit": 5}`, ids: "001,000", total: 5},
		{name: "the manager filtered out", kwargs: `{"q": "id!=0", "offset": 0, "limit": 2}`, ids: "001,002", total: 4},
		{name: "a negative limit is no limit", kwargs: `{"offset": 2, "limit": -1}`, ids: "002,003,004", total: 5},
		{name: "sort os.version", kwargs: `{"sort": {"fields": ["os.version"], "order": "asc"}, "q": "id!=0;id!=3"}`,
			ids: "002,004,001", total: 3},
		{name: "sort by version", kwargs: `{"sort": {"fields": ["version", "id"], "order": "asc"}, "q": "id!=3"}`,
			ids: "002,000,001,004", total: 4},
		{name: "a caller who may read 001 only", kwargs: `{}`,
			policies: `{"agent:read": {"agent:id:001": "allow"}, "rbac_mode": "white"}`, ids: "001", total: 1},
		{name: "by group of the caller's policy", kwargs: `{}`,
			policies: `{"agent:read": {"agent:group:dbs": "allow"}, "rbac_mode": "white"}`, ids: "002", total: 1},
		{name: "denied ids are failed items", kwargs: `{"agent_list": ["001", "002"]}`,
			policies: `{"agent:read": {"agent:id:*": "allow", "agent:id:002": "deny"}, "rbac_mode": "white"}`,
			ids:      "001", total: 1, failed: []string{"4000:002"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := affected(t, n.run(request(t, "wazuh.agent", "get_agents", tc.kwargs, reqOpts{policies: tc.policies})))
			if ids := strings.Join(itemValues(a.Items, "id"), ","); ids != tc.ids || a.Total != tc.total {
				t.Errorf("ids %s total %d, want %s %d", ids, a.Total, tc.ids, tc.total)
			}
			if got := failedCodes(a); !reflect.DeepEqual(got, tc.failed) {
				t.Errorf("failed %v, want %v", got, tc.failed)
			}
		})
	}
}

// An agent's full item: os first (its keys sorted), dates as datetimes, groups as a list,
// the key and a zero disconnection time left out.
func TestGetAgentsItemShape(t *testing.T) {
	n := agentsNode(t)
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents", `{"agent_list": ["002"]}`, reqOpts{})))
	item := a.Items[0].(messages.Object)
	var keys []string
	for _, m := range item {
		keys = append(keys, m.Key)
	}
	want := "os,id,name,ip,status,version,dateAdd,group,node_name,lastKeepAlive,registerIP,group_config_status,status_code"
	if got := strings.Join(keys, ","); got != want {
		t.Errorf("keys %s\nwant %s", got, want)
	}
	if got := messages.EncodeJSON(field(item, "os")); string(got) != `{"major": "7", "minor": "9", "name": "CentOS Linux", "platform": "centos"}` {
		t.Errorf("os %s", got)
	}
	if _, ok := field(item, "dateAdd").(time.Time); !ok {
		t.Errorf("dateAdd %T", field(item, "dateAdd"))
	}
	if got := messages.EncodeJSON(field(item, "group")); string(got) != `["default", "dbs"]` {
		t.Errorf("group %s", got)
	}
	manager := affected(t, n.run(request(t, "wazuh.agent", "get_agents", `{"agent_list": ["000"], "select": ["lastKeepAlive", "dateAdd"]}`, reqOpts{})))
	if got := string(messages.EncodeJSON(manager.Items[0])); got != `{"id": "000", "dateAdd": {"__wazuh_datetime__": "2026-01-02T03:04:05+00:00"}, "lastKeepAlive": {"__wazuh_datetime__": "9999-12-31T23:59:59+00:00"}}` {
		t.Errorf("manager dates %s", got)
	}
	distinct := affected(t, n.run(request(t, "wazuh.agent", "get_agents", `{"select": ["node_name"], "distinct": true}`, reqOpts{})))
	if got := string(messages.EncodeJSON(distinct.Items)); got != `[{"node_name": "worker1"}, {"node_name": "unknown"}, {"node_name": "master-node"}]` || distinct.Total != 3 {
		t.Errorf("distinct %s (%d)", got, distinct.Total)
	}
}

func TestGetAgentsRefusals(t *testing.T) {
	n := agentsNode(t)
	cases := []struct {
		name, kwargs string
		code         int
		extra        string
	}{
		{name: "q that is no query", kwargs: `{"q": "status"}`, code: 1407, extra: "status"},
		{name: "q field", kwargs: `{"q": "colour=red"}`, code: 1408},
		{name: "q operator", kwargs: `{"q": "id<=3"}`, code: 1409},
		{name: "q group operator", kwargs: `{"q": "group>a"}`, code: 1409,
			extra: "Valid operators for 'group' field: =, !=, ~. Used operator: >"},
		{name: "timeframe", kwargs: `{"q": "lastKeepAlive<1w"}`, code: 1412, extra: "1w"},
		{name: "select", kwargs: `{"select": ["colour"]}`, code: 1724},
		{name: "sort", kwargs: `{"sort": {"fields": ["internal_key"], "order": "asc"}}`, code: 1403},
		{name: "sort order", kwargs: `{"sort": {"fields": ["id"], "order": "asc; DROP TABLE agent"}}`, code: 2003},
		{name: "limit", kwargs: `{"limit": 100001}`, code: 1405, extra: "100001"},
		{name: "a value wazuh-db refuses", kwargs: `{"filters": {"name": "a;b"}}`, code: 2004,
			extra: "Found a not valid symbol in database query: ;"},
		{name: "an id denied", kwargs: `{"agent_list": ["002"]}`, code: 4000},
	}
	policies := `{"agent:read": {"agent:id:*": "allow", "agent:id:002": "deny"}, "rbac_mode": "white"}`
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := exception(t, n.run(request(t, "wazuh.agent", "get_agents", tc.kwargs, reqOpts{policies: policies})))
			if e.Code != tc.code || tc.extra != "" && messages.PyStr(e.ExtraMessage) != tc.extra {
				t.Errorf("got %s %d %v", e.Class, e.Code, e.ExtraMessage)
			}
		})
	}
	// The agents are all still there.
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents", `{}`, reqOpts{})))
	if a.Total != 5 {
		t.Errorf("%d agents after the refusals", a.Total)
	}
}

func TestAgentSummaries(t *testing.T) {
	n := agentsNode(t)
	got := n.run(request(t, "wazuh.agent", "get_agents_summary_status", `{}`, reqOpts{}))
	want := `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"data": {"connection": {"active": 2, "disconnected": 1, "never_connected": 1, "pending": 0, "total": 4}, "configuration": {"synced": 0, "not_synced": 4, "total": 4}}}}}}`
	if got != want {
		t.Errorf("summary status\n got %s\nwant %s", got, want)
	}
	one := n.run(request(t, "wazuh.agent", "get_agents_summary_status", `{}`,
		reqOpts{policies: `{"agent:read": {"agent:id:002": "allow"}, "rbac_mode": "white"}`}))
	if !strings.Contains(one, `"connection": {"active": 0, "disconnected": 1, "never_connected": 0, "pending": 0, "total": 1}`) {
		t.Errorf("one agent readable: %s", one)
	}
	none := n.run(request(t, "wazuh.agent", "get_agents_summary_status", `{}`, reqOpts{policies: `{"rbac_mode": "white"}`}))
	if !strings.Contains(none, `"connection": {"active": 0, "disconnected": 0, "never_connected": 0, "pending": 0, "total": 0}`) {
		t.Errorf("no agent readable: %s", none)
	}
	os := affected(t, n.run(request(t, "wazuh.agent", "get_agents_summary_os", `{}`, reqOpts{})))
	if s := string(messages.EncodeJSON(os.Items)); s != `["centos", "ubuntu", "windows"]` || os.Total != 3 {
		t.Errorf("summary os %s (%d)", s, os.Total)
	}
	if os.AllMsg != "Showing the operative system of all specified agents" {
		t.Errorf("all_msg %q", os.AllMsg)
	}
}

func TestAgentsKeysOutdatedAndDistinct(t *testing.T) {
	n := agentsNode(t)
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents_keys", `{"agent_list": ["002", "000", "999", "001"]}`, reqOpts{})))
	if ids := strings.Join(itemValues(a.Items, "id"), ","); ids != "001,002" {
		t.Errorf("keys of %s", ids)
	}
	ag, _, _ := n.store.Agent(context.Background(), 1)
	if key := field(a.Items[0], "key"); key != b64text("001 web 10.0.0.9 "+ag.Key) {
		t.Errorf("key %v", key)
	}
	if got := failedCodes(a); !reflect.DeepEqual(got, []string{"1703:000", "1701:999"}) {
		t.Errorf("failed %v", got)
	}
	out := affected(t, n.run(request(t, "wazuh.agent", "get_outdated_agents", `{}`, reqOpts{})))
	if ids := strings.Join(itemValues(out.Items, "id"), ","); ids != "002" || out.Total != 1 {
		t.Errorf("outdated %s", ids)
	}
	d := affected(t, n.run(request(t, "wazuh.agent", "get_distinct_agents", `{"fields": ["node_name", "status"]}`, reqOpts{})))
	got := string(messages.EncodeJSON(d.Items))
	// Grouped rows come in the order SQLite gives Wazuh's statement (ORDER BY id over groups).
	want := `[{"status": "active", "node_name": "worker1", "count": 1}, {"status": "disconnected", "node_name": "worker1", "count": 1}, {"status": "never_connected", "node_name": "unknown", "count": 1}, {"status": "active", "node_name": "master-node", "count": 2}]`
	if got != want || d.Total != 5 {
		t.Errorf("distinct (%d)\n got %s\nwant %s", d.Total, got, want)
	}
}

// The DAPI's node choice finds where agents report: by id (unknown ids left out), by node,
// or every agent.
func TestLocateAgents(t *testing.T) {
	n := agentsNode(t)
	cases := []struct {
		q    dapi.AgentQuery
		want string
	}{
		{dapi.AgentQuery{IDs: []string{"004", "001", "999"}}, "001@worker1 004@master-node"},
		{dapi.AgentQuery{Nodes: []string{"worker1"}}, "001@worker1 002@worker1"},
		{dapi.AgentQuery{}, "000@master-node 001@worker1 002@worker1 003@unknown 004@master-node"},
	}
	for _, tc := range cases {
		got, err := n.native.LocateAgents(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, a := range got {
			parts = append(parts, a.ID+"@"+a.Node)
		}
		if s := strings.Join(parts, " "); s != tc.want {
			t.Errorf("%+v: %s, want %s", tc.q, s, tc.want)
		}
	}
}

// GET /agents/summary counts what the caller may read by status, platform and group, the
// keys of the platform and group objects sorted as wazuh-db writes them.
func TestAgentsSummaryByStatusOSAndGroup(t *testing.T) {
	n := agentsNode(t)
	got := n.run(request(t, "wazuh.agent", "get_agents_summary", `{}`, reqOpts{}))
	want := `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"data": ` +
		`{"status": {"active": 2, "disconnected": 1, "never_connected": 1, "pending": 0}, ` +
		`"os": {"centos": 1, "ubuntu": 1, "windows": 1}, "groups": {"dbs": 1, "default": 3, "mail": 1}}}}}}`
	if got != want {
		t.Errorf("summary\n got %s\nwant %s", got, want)
	}
	one := n.run(request(t, "wazuh.agent", "get_agents_summary", `{}`,
		reqOpts{policies: `{"agent:read": {"agent:id:002": "allow"}, "rbac_mode": "white"}`}))
	if !strings.Contains(one, `{"status": {"active": 0, "disconnected": 1, "never_connected": 0, "pending": 0}, "os": {"centos": 1}, "groups": {"dbs": 1, "default": 1}}`) {
		t.Errorf("one agent readable: %s", one)
	}
	none := n.run(request(t, "wazuh.agent", "get_agents_summary", `{}`, reqOpts{policies: `{"rbac_mode": "white"}`}))
	if !strings.Contains(none, `{"status": {"active": 0, "disconnected": 0, "never_connected": 0, "pending": 0}, "os": {}, "groups": {}}`) {
		t.Errorf("no agent readable: %s", none)
	}
}

// The master keeps a keepalive-only report apart from the agent's row (wazuhdb's
// agent_keepalive); a listing filters and shows the agent by it all the same.
func TestGetAgentsReadsKeepalivesKeptApart(t *testing.T) {
	n := agentsNode(t)
	now := time.Now().Unix()
	if _, err := n.store.ApplyAgentInfo(context.Background(), wazuhdb.AgentInfoBatch{
		Keepalive: []wazuhdb.AgentKeepalive{{ID: 2}}}, now); err != nil {
		t.Fatal(err)
	}
	a := affected(t, n.run(request(t, "wazuh.agent", "get_agents", `{"q": "lastKeepAlive<1h", "select": ["lastKeepAlive"]}`, reqOpts{})))
	if got := strings.Join(itemValues(a.Items, "id"), ","); got != "001,002,004" {
		t.Fatalf("agents kept alive within the hour: %s, want 001,002,004", got)
	}
	if got, _ := field(a.Items[1], "lastKeepAlive").(time.Time); got.Unix() != now {
		t.Errorf("agent 002's lastKeepAlive %v, want %v", field(a.Items[1], "lastKeepAlive"), time.Unix(now, 0))
	}
}
