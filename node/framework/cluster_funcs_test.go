package framework

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// policies reading only the master: a caller without cluster:read on worker1.
const masterOnly = `{"cluster:read": {"node:id:master-node": "allow"}, "cluster:status": {"*:*:*": "allow"}, "rbac_mode": "white"}`

func TestGetNodesInfo(t *testing.T) {
	n := newTestNode(t)
	admin := adminPolicies(t)
	cases := []struct {
		name, kwargs, policies string
		names                  []string
		total                  int
		failed                 []string
	}{
		{name: "every node", kwargs: `{"offset": 0, "limit": 500, "filter_type": "all", "distinct": false}`, policies: admin,
			names: []string{"master-node", "worker1"}, total: 2},
		{name: "a caller without cluster:read on worker1 does not see it", kwargs: `{}`, policies: masterOnly,
			names: []string{"master-node"}, total: 1},
		{name: "a node it may not read is a failed item", kwargs: `{"filter_node": ["master-node", "worker1"]}`,
			policies: masterOnly, names: []string{"master-node"}, total: 1, failed: []string{"4000:worker1"}},
		// A wildcard allows any node named, listed by the API or not (_single_processor).
		{name: "a node the API did not list does not exist", kwargs: `{"filter_node": ["worker1", "ghost"]}`,
			policies: admin, names: []string{"worker1"}, total: 1, failed: []string{"1730:ghost"}},
		{name: "black: the same", kwargs: `{"filter_node": ["worker1", "ghost"]}`,
			names: []string{"worker1"}, total: 1, failed: []string{"1730:ghost"}},
		{name: "a node named by no policy is refused", kwargs: `{"filter_node": ["master-node", "ghost"]}`,
			policies: masterOnly, names: []string{"master-node"}, total: 1, failed: []string{"4000:ghost"}},
		{name: "type", kwargs: `{"filter_type": "worker"}`, names: []string{"worker1"}, total: 1},
		{name: "sort, offset and limit", kwargs: `{"sort": {"fields": ["name"], "order": "desc"}, "offset": 1, "limit": 1}`,
			names: []string{"master-node"}, total: 2},
		{name: "search", kwargs: `{"search": {"value": "WORK", "negation": false}}`, names: []string{"worker1"}, total: 1},
		{name: "q filters in memory, then pages", kwargs: `{"q": "type=master,ip=10.0.0.2", "offset": 1, "limit": 5}`,
			names: []string{"worker1"}, total: 2},
		{name: "select", kwargs: `{"select": ["ip"]}`, names: []string{"None", "None"}, total: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := affected(t, n.run(request(t, "wazuh.cluster", "get_nodes_info", tc.kwargs, reqOpts{policies: tc.policies})))
			if got := itemValues(a.Items, "name"); !reflect.DeepEqual(got, tc.names) || a.Total != tc.total {
				t.Errorf("names %v total %d, want %v %d", got, a.Total, tc.names, tc.total)
			}
			if got := failedCodes(a); !reflect.DeepEqual(got, tc.failed) {
				t.Errorf("failed %v, want %v", got, tc.failed)
			}
			if a.AllMsg != "All selected nodes information was returned" || a.NoneMsg != "No information was returned" {
				t.Errorf("messages %q %q", a.AllMsg, a.NoneMsg)
			}
		})
	}
}

func TestGetNodesInfoErrors(t *testing.T) {
	n := newTestNode(t)
	cases := []struct {
		name, kwargs, policies string
		code                   int
		class, extra           string
	}{
		{name: "select", kwargs: `{"select": ["foo"]}`, code: 1724, class: "WazuhError", extra: "foo"},
		{name: "type", kwargs: `{"filter_type": "manager"}`, code: 1728, class: "WazuhError"},
		{name: "sort", kwargs: `{"sort": {"fields": ["bogus"], "order": "asc"}}`, code: 1403, class: "WazuhError"},
		{name: "limit", kwargs: `{"limit": 0}`, code: 1406, class: "WazuhError"},
		{name: "every node refused", kwargs: `{"filter_node": ["worker1"]}`, policies: masterOnly, code: 4000,
			class: "WazuhPermissionError", extra: "Resource type: node:id"},
		{name: "unknown argument", kwargs: `{"colour": "red"}`, code: 1000, class: "WazuhInternalError"},
		{name: "q", kwargs: `{"q": "=x"}`, code: 1407, class: "WazuhError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := exception(t, n.run(request(t, "wazuh.cluster", "get_nodes_info", tc.kwargs, reqOpts{policies: tc.policies})))
			if e.Code != tc.code || e.Class != tc.class || tc.extra != "" && messages.PyStr(e.ExtraMessage) != tc.extra {
				t.Errorf("got %s %d %v", e.Class, e.Code, e.ExtraMessage)
			}
		})
	}
}

// The node list's sort error keeps get_nodes' wording, its remediation naming the fields.
func TestGetNodesInfoSortRemediation(t *testing.T) {
	n := newTestNode(t)
	e := exception(t, n.run(request(t, "wazuh.cluster", "get_nodes_info", `{"sort": {"fields": ["bogus"], "order": "asc"}}`, reqOpts{})))
	if e.ExtraRemediation == nil || *e.ExtraRemediation != "Allowed sort fields: name, type, version, ip. Wrong fields: bogus" ||
		e.Message() != "Not a valid sort field" {
		t.Errorf("1403: %q / %v", e.Message(), e.ExtraRemediation)
	}
}

func TestGetHealthNodes(t *testing.T) {
	n := newTestNode(t)
	a := affected(t, n.run(request(t, "wazuh.cluster", "get_health_nodes", `{}`, reqOpts{policies: adminPolicies(t)})))
	if got := itemValues(a.Items, "info", "name"); !reflect.DeepEqual(got, []string{"master-node", "worker1"}) || a.Total != 2 {
		t.Fatalf("nodes %v (total %d)", got, a.Total)
	}
	if field(a.Items[0], "status") != nil || field(a.Items[1], "status", "last_keep_alive") != "2026-12-06T00:05:16.177399Z" {
		t.Errorf("status: master %v, worker %v", field(a.Items[0], "status"), field(a.Items[1], "status"))
	}
	if got := messages.PyStr(field(a.Items[1], "info", "n_active_agents")); got != "2" {
		t.Errorf("worker n_active_agents = %s", got)
	}
	a = affected(t, n.run(request(t, "wazuh.cluster", "get_health_nodes", `{}`, reqOpts{policies: masterOnly})))
	if got := itemValues(a.Items, "info", "name"); !reflect.DeepEqual(got, []string{"master-node"}) {
		t.Errorf("without cluster:read on worker1: %v", got)
	}
	a = affected(t, n.run(request(t, "wazuh.cluster", "get_health_nodes", `{"filter_node": ["worker1"]}`, reqOpts{})))
	if got := itemValues(a.Items, "info", "name"); !reflect.DeepEqual(got, []string{"worker1"}) {
		t.Errorf("filtered: %v", got)
	}
}

func TestNodeFunctionsRefuseCallersWithoutClusterRead(t *testing.T) {
	n := newTestNode(t)
	noRead := `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`
	for _, fn := range []struct{ module, name string }{{"wazuh.cluster", "get_node_wrapper"},
		{"wazuh.cluster", "read_config_wrapper"}, {"wazuh.manager", "get_basic_info"}, {"wazuh.manager", "get_status"},
		{"wazuh.cluster", "get_ruleset_sync_status"}} {
		e := exception(t, n.run(request(t, fn.module, fn.name, `{}`, reqOpts{policies: noRead})))
		if e.Code != 4000 || messages.PyStr(e.ExtraMessage) != "Resource type: node:id" || !reflect.DeepEqual(e.IDs, []string{"master-node"}) {
			t.Errorf("%s: %s %d %v %v", fn.name, e.Class, e.Code, e.ExtraMessage, e.IDs)
		}
		// The error names no node the caller may not read.
		if _, ok := e.DapiErrors["unknown-node"]; !ok {
			t.Errorf("%s: dapi_errors %v", fn.name, e.DapiErrors)
		}
	}
}

func TestGetStatusJSON(t *testing.T) {
	n := newTestNode(t)
	got := n.run(request(t, "wazuh.cluster", "get_status_json", `{}`, reqOpts{}))
	want := `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"data": {"enabled": "yes", "running": "yes"}}}}}`
	if got != want {
		t.Errorf("got %s", got)
	}
	e := exception(t, n.run(request(t, "wazuh.cluster", "get_status_json", `{}`, reqOpts{policies: `{"rbac_mode": "white"}`})))
	if e.Code != 4000 || messages.PyStr(e.ExtraMessage) != "Resource type: *:*" || !reflect.DeepEqual(e.IDs, []string{"*"}) {
		t.Errorf("without cluster:status: %s %d %v %v", e.Class, e.Code, e.ExtraMessage, e.IDs)
	}
}

func TestRulesetSyncStatus(t *testing.T) {
	n := newTestNode(t)
	n.cluster.hashes = messages.Object{{Key: "etc/rules/local_rules.xml", Value: "aa"}, {Key: "etc/lists/l", Value: "bb"}}
	same := `{"master_md5": {"etc/lists/l": "bb", "etc/rules/local_rules.xml": "aa"}}`
	a := affected(t, n.run(request(t, "wazuh.cluster", "get_ruleset_sync_status", same, reqOpts{})))
	if len(a.Items) != 1 || field(a.Items[0], "name") != "master-node" || field(a.Items[0], "synced") != true ||
		!reflect.DeepEqual(a.SortCasting, []string{"str"}) {
		t.Errorf("same hashes: %+v", a)
	}
	a = affected(t, n.run(request(t, "wazuh.cluster", "get_ruleset_sync_status", `{"master_md5": {"etc/lists/l": "bb"}}`, reqOpts{})))
	if field(a.Items[0], "synced") != false {
		t.Errorf("other hashes: synced %v", field(a.Items[0], "synced"))
	}
	// A WazuhError reading the hashes is this node's failed item; any other error is raised.
	n.cluster.err = messages.ErrClusterDisabled.New()
	a = affected(t, n.run(request(t, "wazuh.cluster", "get_ruleset_sync_status", same, reqOpts{})))
	if len(a.Items) != 0 || !reflect.DeepEqual(failedCodes(a), []string{"3013:master-node"}) {
		t.Errorf("hashes failing: items %v failed %v", a.Items, failedCodes(a))
	}
	n.cluster.err = messages.ErrClusterNotRunning.New()
	if e := exception(t, n.run(request(t, "wazuh.cluster", "get_ruleset_sync_status", same, reqOpts{}))); e.Code != 3012 {
		t.Errorf("an internal error: %d", e.Code)
	}
	n.cluster.err = nil
	got := wazuhResult(t, n.run(request(t, "wazuh.core.cluster.control", "get_node_ruleset_integrity", `{}`, reqOpts{})))
	if !pyEqual(got, n.cluster.hashes) {
		t.Errorf("integrity: %v", got)
	}
}

func TestGetBasicInfo(t *testing.T) {
	n := newTestNode(t)
	first := affected(t, n.run(request(t, "wazuh.manager", "get_basic_info", `{}`, reqOpts{})))
	item := first.Items[0]
	if field(item, "path") != n.home || field(item, "version") != "v4.14.7" || field(item, "type") != "server" ||
		field(item, "max_agents") != "unlimited" || field(item, "openssl_support") != "N/A" {
		t.Errorf("item %v", item)
	}
	uid, _ := field(item, "uuid").(string)
	if len(uid) != 36 || uid[14] != '4' {
		t.Errorf("uuid %q", uid)
	}
	again := affected(t, n.run(request(t, "wazuh.manager", "get_basic_info", `{}`, reqOpts{})))
	if field(again.Items[0], "uuid") != uid {
		t.Errorf("the uuid changed: %v then %v", uid, field(again.Items[0], "uuid"))
	}
	if first.AllMsg != "Basic information was successfully read in specified node" {
		t.Errorf("all_msg %q", first.AllMsg)
	}
	worker := newTestNode(t, func(c *Config) { c.Node.Type = "worker" })
	w := affected(t, worker.run(request(t, "wazuh.manager", "get_basic_info", `{}`, reqOpts{})))
	if v := field(w.Items[0], "uuid"); v != nil {
		t.Errorf("a worker's uuid = %v, want None", v)
	}
}

// get_status reads var/run as Wazuh does; clusterd itself, and the daemons whose role it
// plays, are running.
func TestGetStatusReadsPidFiles(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.OwnDaemons = []string{"wazuh-db", "wazuh-authd"} })
	run := filepath.Join(n.home, "var", "run")
	if err := os.MkdirAll(run, 0o750); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"wazuh-analysisd-" + strconv.Itoa(os.Getpid()) + ".pid": "",
		"wazuh-execd-999999999.pid":                             "", // a process that is gone
		"wazuh-maild.failed":                                    "",
		"wazuh-monitord.start":                                  "",
	} {
		if err := os.WriteFile(filepath.Join(run, name), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	a := affected(t, n.run(request(t, "wazuh.manager", "get_status", `{}`, reqOpts{})))
	status, _ := a.Items[0].(messages.Object)
	want := map[string]string{"wazuh-analysisd": "running", "wazuh-execd": "failed", "wazuh-maild": "failed",
		"wazuh-monitord": "starting", "wazuh-clusterd": "running", "wazuh-db": "running", "wazuh-authd": "running",
		"wazuh-remoted": "stopped", "wazuh-apid": "stopped"}
	for k, v := range want {
		if got, _ := status.Get(k); got != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	if len(status) != 16 || status[0].Key != "wazuh-agentlessd" || status[15].Key != "wazuh-apid" {
		t.Errorf("daemons %v", status)
	}
	if err := os.WriteFile(filepath.Join(run, ".restart"), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	a = affected(t, n.run(request(t, "wazuh.manager", "get_status", `{}`, reqOpts{})))
	if got, _ := a.Items[0].(messages.Object).Get("wazuh-remoted"); got != "restarting" {
		t.Errorf("while restarting: %v", got)
	}
	noProc := newTestNode(t, func(c *Config) { c.ProcRoot = filepath.Join(t.TempDir(), "none") })
	e := exception(t, noProc.run(request(t, "wazuh.manager", "get_status", `{}`, reqOpts{})))
	if e.Code != 1913 {
		t.Errorf("without /proc: %d", e.Code)
	}
}

// A function clusterd does not execute is answered at once with an exception naming it.
func TestFunctionsNotExecutedAreNamed(t *testing.T) {
	n := newTestNode(t)
	e := exception(t, n.run(request(t, "wazuh.syscheck", "run", `{"agent_list": ["001"]}`, reqOpts{})))
	if e.Code != 3009 || !strings.Contains(e.Message(), "wazuh.syscheck.run") {
		t.Errorf("got %d %q", e.Code, e.Message())
	}
	// Without a store, the agent functions are not executed either.
	bare := New(Config{Node: Node{Name: "master-node", Type: "master"}, Cluster: n.cluster})
	req := request(t, "wazuh.agent", "get_agents", `{}`, reqOpts{})
	if _, err := bare.Execute(t.Context(), req); !errors.Is(err, messages.ErrDistributedAPI) {
		t.Errorf("get_agents without a store: %v", err)
	}
}

// Every native function is one Wazuh exposes, so no request can name it otherwise.
func TestNativeFunctionsAreExposed(t *testing.T) {
	names := Functions()
	if len(names) != 24 {
		t.Errorf("%d native functions: %v", len(names), names)
	}
	for _, name := range names {
		dot := strings.LastIndex(name, ".")
		module, qualname := name[:dot], name[dot+1:]
		if strings.HasSuffix(module, ".Agent") {
			module, qualname = strings.TrimSuffix(module, ".Agent"), "Agent."+qualname
		}
		f, ok := dapi.LookupFunction(module, qualname)
		if !ok || !newTestNode(t).native.Executes(f) {
			t.Errorf("%s: exposed %v", name, ok)
		}
	}
}

// Broadcasting, refused nodes are dropped rather than reported; a refused static resource
// skips the function (Wazuh then fails on its None).
func TestBroadcastingDropsRefusedNodes(t *testing.T) {
	n := newTestNode(t)
	a := affected(t, n.run(request(t, "wazuh.cluster", "get_nodes_info", `{"filter_node": ["master-node", "worker1"]}`,
		reqOpts{policies: masterOnly, broadcasting: true})))
	if got := itemValues(a.Items, "name"); !reflect.DeepEqual(got, []string{"master-node"}) || len(a.Failed()) != 0 {
		t.Errorf("broadcast: %v, failed %v", got, failedCodes(a))
	}
	e := exception(t, n.run(request(t, "wazuh.cluster", "get_node_wrapper", `{}`,
		reqOpts{policies: `{"rbac_mode": "white"}`, broadcasting: true})))
	if e.Code != 1000 || !strings.Contains(e.Message(), "NoneType") {
		t.Errorf("skipped: %d %q", e.Code, e.Message())
	}
}
