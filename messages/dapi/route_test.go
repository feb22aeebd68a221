package dapi

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// fakeAgents is a master's agent store: the manager (000), agents on both workers, one without
// a node, one on a worker that is gone.
type fakeAgents struct {
	rows    []AgentNode
	queries []AgentQuery
}

func newFakeAgents() *fakeAgents {
	return &fakeAgents{rows: []AgentNode{
		{"000", "master-node"}, {"001", "worker1"}, {"002", "worker2"}, {"003", "worker1"}, {"004", ""}, {"005", "worker9"},
	}}
}

func (f *fakeAgents) LocateAgents(q AgentQuery) ([]AgentNode, error) {
	f.queries = append(f.queries, q)
	ids := setOf(q.IDs)
	var out []AgentNode
	for _, r := range f.rows {
		if q.IDs != nil && !ids.has(r.ID) || q.Nodes != nil && !slices.Contains(q.Nodes, r.Node) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

var masterView = Cluster{Self: "master-node", Master: true, Connected: []string{"master-node", "worker1", "worker2"}}

const adminText = `{"cluster:read": {"node:id:*": "allow"}, "agent:restart": {"agent:id:*": "allow"}, "rbac_mode": "white"}`

// distributedRequest is PUT /agents/restart-like: a distributed_master request with f_kwargs.
func distributedRequest(t testing.TB, fKwargs, extra string) *Request {
	t.Helper()
	in := `{"f": ` + callableJSON("wazuh.agent", "restart_agents") + `, "f_kwargs": ` + fKwargs +
		`, "request_type": "distributed_master", "rbac_permissions": ` + adminText +
		`, "nodes": ["master-node", "worker1", "worker2"]` + extra + `}`
	req, err := DecodeRequest([]byte(in))
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	return req
}

// describe renders a plan as "node[ids]" items, "?" marking a node not connected, "*" the local share.
func describe(p *Plan) string {
	var parts []string
	for _, tg := range p.Targets {
		mark := ""
		if tg.Local {
			mark = "*"
		}
		if !tg.Known {
			mark += "?"
		}
		args := string(messages.EncodeJSON(tg.Request.Kwargs))
		parts = append(parts, tg.Node+mark+" "+args)
	}
	return strings.Join(parts, " | ")
}

func TestRouteWhereRequestsRun(t *testing.T) {
	worker := Cluster{Self: "worker1"}
	cases := []struct {
		typ         RequestType
		fromCluster bool
		c           Cluster
		want        Action
	}{
		{LocalAny, false, masterView, RunHere},
		{LocalMaster, false, masterView, RunHere},
		{DistributedMaster, true, masterView, RunHere},
		{LocalAny, false, worker, RunHere},
		{LocalMaster, false, worker, SendToMaster},
		{DistributedMaster, false, worker, SendToMaster},
		{DistributedMaster, true, worker, RunHere},
		{DistributedMaster, false, masterView, Distribute},
	}
	for _, c := range cases {
		req := distributedRequest(t, `{}`, "")
		req.Type, req.FromCluster = c.typ, c.fromCluster
		p, err := Route(req, c.c, newFakeAgents())
		if err != nil || p.Action != c.want {
			t.Errorf("%s from_cluster=%v on %s: %v %v, want %v", c.typ, c.fromCluster, c.c.Self, p, err, c.want)
		}
	}
}

func TestRouteDistributesByAgentsAndNodes(t *testing.T) {
	cases := []struct {
		name, fKwargs, extra string
		want                 string
		merge                bool
	}{
		{"agents on two workers, one unknown id kept on the master", `{"agent_list": ["001", "002", "007", "003"], "wait": 1}`, "",
			`worker1 {"agent_list": ["001", "003"], "wait": 1} | worker2 {"agent_list": ["002"], "wait": 1} | master-node* {"agent_list": ["007"], "wait": 1}`, true},
		{"every agent: an agent without a node goes to the master, a gone worker stays a target", `{"agent_list": "*"}`, `, "broadcasting": true`,
			`master-node* {"agent_list": ["000", "004"]} | worker1 {"agent_list": ["001", "003"]} | worker2 {"agent_list": ["002"]} | worker9? {"agent_list": ["005"]}`, true},
		{"one agent", `{"agent_id": "002"}`, "", `worker2 {"agent_id": ["002"]}`, false},
		{"a node (GET /cluster/{node_id}/info): node_id consumed", `{"node_id": "worker1"}`, "", `worker1 {}`, false},
		{"an agent of a named node", `{"node_id": "worker1", "agent_id": "002"}`, "",
			`worker1 {"agent_id": ["001", "003"]} | master-node* {"agent_id": ["002"]}`, true},
		{"nodes listed", `{"node_list": ["worker2", "master-node"], "x": true}`, "",
			`worker2 {"x": true} | master-node* {"x": true}`, true},
		{"every node by node_list *", `{"node_list": "*"}`, `, "broadcasting": true`,
			`master-node* {} | worker1 {} | worker2 {} `, true},
		{"every node holding agents, by name descending", `{}`, "",
			`worker9? {} | worker2 {} | worker1 {} | master-node* {}`, true},
		{"broadcast without arguments: every node, the first answer stands", `{}`, `, "broadcasting": true`,
			`master-node* {} | worker1 {} | worker2 {}`, false},
	}
	for _, c := range cases {
		req := distributedRequest(t, c.fKwargs, c.extra)
		p, err := Route(req, masterView, newFakeAgents())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := describe(p); got != strings.TrimSpace(c.want) || p.merge != c.merge || p.Action != Distribute {
			t.Errorf("%s:\n got %s (merge %v)\nwant %s (merge %v)", c.name, got, p.merge, c.want, c.merge)
		}
		for _, tg := range p.Targets {
			if !tg.Request.FromCluster || tg.Request == p.Request {
				t.Errorf("%s: %s's request is not its own forwarded copy", c.name, tg.Node)
			}
		}
		if req.FromCluster || req.Kwargs.Has("node_id") != strings.Contains(c.fKwargs, "node_id") {
			t.Errorf("%s: routing changed the request it was given", c.name)
		}
	}
}

// A forwarded request is DistributedAPI.to_dict() with from_cluster set and the node's agents.
func TestRoutedRequestEncoding(t *testing.T) {
	req := distributedRequest(t, `{"agent_list": ["002"], "offset": 0}`, "")
	p, err := Route(req, masterView, newFakeAgents())
	if err != nil || len(p.Targets) != 1 {
		t.Fatalf("plan %v %v", p, err)
	}
	want := `{"f": {"__callable__": {"__name__": "restart_agents", "__module__": "wazuh.agent", "__qualname__": "restart_agents", "__type__": "function"}}, ` +
		`"f_kwargs": {"agent_list": ["002"], "offset": 0}, "request_type": "distributed_master", "wait_for_complete": false, "from_cluster": true, ` +
		`"is_async": false, "local_client_arg": null, "basic_services": ["wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"], ` +
		`"rbac_permissions": ` + adminText + `, "current_user": "", "broadcasting": false, "nodes": ["master-node", "worker1", "worker2"], "api_timeout": 10}`
	if got := string(p.Targets[0].Request.Encode()); got != want {
		t.Errorf("forwarded\n got %s\nwant %s", got, want)
	}
}

func TestRouteRefusals(t *testing.T) {
	white := func(policy string) string { return `, "rbac_permissions": ` + policy }
	cases := []struct{ name, fKwargs, extra, want string }{
		{"a node the caller may not read", `{"node_id": "worker1"}`, white(`{"cluster:read": {"node:id:worker2": "allow"}, "rbac_mode": "white"}`),
			"Error 4000 - Permission denied: Resource type: node:id"},
		{"a node the API listed that is gone", `{"node_id": "worker1"}`, `, "nodes": ["master-node", "worker1", "worker7"], "broadcasting": true, "f_kwargs": {"node_list": "*"}`,
			"Error 1730 - Node does not exist"},
		{"an empty agent list without agent_id", `{"agent_list": []}`, "", "python TypeError: KeyError 'agent_id'"},
		{"an empty node list without node_id", `{"node_list": []}`, "", "python TypeError: KeyError 'node_id'"},
	}
	for _, c := range cases {
		req := distributedRequest(t, c.fKwargs, c.extra)
		_, err := Route(req, masterView, newFakeAgents())
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// What the caller answers: the exception with dapi_errors, or error 1000.
	req := distributedRequest(t, `{"agent_list": []}`, "")
	_, err := Route(req, masterView, newFakeAgents())
	if e := req.Fail(err, "master-node"); e.Err.Code != 1000 || e.Err.Message() != "Wazuh Internal Error" {
		t.Errorf("KeyError answered as %v", e.Err)
	}
}

type failingAgents struct{}

func (failingAgents) LocateAgents(AgentQuery) ([]AgentNode, error) {
	return nil, messages.ErrWazuhDBConnect.New()
}

func TestRouteAgentStoreFailure(t *testing.T) {
	_, err := Route(distributedRequest(t, `{"agent_list": ["001"]}`, ""), masterView, failingAgents{})
	if !errors.Is(err, messages.ErrWazuhDBConnect) {
		t.Errorf("store failure: %v", err)
	}
}

// A node not allowed among those listed becomes a failed item 4000 of the answer (dropped
// with remove_denied_nodes); a node outside the cluster one of 1730 — unless "unknown" is the
// only one, whose group Wazuh leaves out.
func TestFinishAddsTheRoutingsFailedItems(t *testing.T) {
	policy := `, "rbac_permissions": {"cluster:read": {"node:id:worker1": "allow", "node:id:unknown": "allow", "node:id:worker8": "allow"}, "rbac_mode": "white"}`
	for _, remove := range []bool{false, true} {
		extra := policy + fmt.Sprintf(`, "remove_denied_nodes": %v`, remove)
		req := distributedRequest(t, `{"node_list": ["worker1", "worker2", "unknown"]}`, extra)
		p, err := Route(req, masterView, newFakeAgents())
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(p); got != `worker1 {} | master-node* {}` {
			t.Errorf("targets %s", got)
		}
		answer := NewAffectedItems("all", "some", "none")
		answer.Items, answer.Total = []any{"w1"}, 1
		res, err := p.Finish([]Result{answer, NewAffectedItems("", "", "")})
		if err != nil {
			t.Fatal(err)
		}
		a := res.(*AffectedItems)
		var groups []string
		for _, g := range a.Failed() {
			groups = append(groups, fmt.Sprintf("%d:%s", g.Err.Code, strings.Join(g.IDs, ",")))
		}
		want := "4000:worker2"
		if remove {
			want = ""
		}
		if got := strings.Join(groups, " "); got != want || a.Total != 1 {
			t.Errorf("remove_denied_nodes=%v: failed items %s (total %d), want %s", remove, got, a.Total, want)
		}
		if answer.TotalFailed() != 0 {
			t.Error("Finish changed an answer it was given")
		}
	}
}

func TestFinishWithoutTargetsAnswersTheRoutingsResult(t *testing.T) {
	req := distributedRequest(t, `{"node_id": "worker8"}`, "")
	p, err := Route(req, masterView, newFakeAgents())
	if err != nil || len(p.Targets) != 0 {
		t.Fatalf("plan %s %v", describe(p), err)
	}
	res, err := p.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"affected_items": [], "sort_fields": null, "sort_casting": ["int"], "sort_ascending": [true], "total_affected_items": 0, "total_failed_items": 1, "dikt": {}, "all_msg": "All selected nodes information was returned", "some_msg": "Some nodes information was not returned", "none_msg": "No information was returned", "failed_items_keys": [{"__object__": {"type": "about:blank", "title": "Resource Not Found", "code": 1730, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": []}, "__class__": "WazuhResourceNotFound"}], "failed_items_values": [["worker8"]]}}}`
	if got := string(EncodeResult(res)); got != want {
		t.Errorf("answer\n got %s\nwant %s", got, want)
	}
}

// A node the master cannot reach answers 3022 as a WazuhError naming it, which a merge turns
// into a failed item; a caller who may not read that node gets 4000 instead.
func TestUnknownNodeAnswer(t *testing.T) {
	p, err := Route(distributedRequest(t, `{"agent_list": "*"}`, `, "broadcasting": true`), masterView, newFakeAgents())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"type": "about:blank", "title": "Wazuh Cluster Error", "code": 3022, "extra_message": "worker9", "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": ["worker9"]}}}`
	if got := string(EncodeResult(p.UnknownNode("worker9"))); got != want {
		t.Errorf("3022\n got %s\nwant %s", got, want)
	}
	denied := distributedRequest(t, `{"agent_list": "*"}`, `, "rbac_permissions": {"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`)
	p.Request = denied
	want = `{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"type": "about:blank", "title": "Permission Denied", "code": 4000, "extra_message": "Resource type: node:id", "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": ["worker9"]}}}`
	if got := string(EncodeResult(p.UnknownNode("worker9"))); got != want {
		t.Errorf("4000\n got %s\nwant %s", got, want)
	}
	items := NewAffectedItems("all", "some", "none")
	items.Items, items.Total = []any{"x"}, 1
	merged, err := Merge(items, p.UnknownNode("worker9"))
	if err != nil {
		t.Fatal(err)
	}
	if g := merged.(*AffectedItems).Failed(); len(g) != 1 || g[0].Err.Code != 4000 || g[0].IDs[0] != "worker9" {
		t.Errorf("merged: %v", merged)
	}
}
