package dapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// fakeResolver is an agent store of four agents in two groups.
type fakeResolver struct{ calls int }

func (r *fakeResolver) Agents() ([]string, error) {
	r.calls++
	return []string{"000", "001", "002", "003"}, nil
}

func (r *fakeResolver) AgentsInGroup(g string) ([]string, error) {
	r.calls++
	switch g {
	case "g1":
		return []string{"001", "003"}, nil
	case "default":
		return []string{"001", "002", "003"}, nil
	}
	return nil, nil
}

func (r *fakeResolver) Groups() ([]string, error) {
	r.calls++
	return []string{"default", "g1"}, nil
}

// policies builds rbac_permissions from JSON text.
func policies(t testing.TB, text string) Permissions {
	t.Helper()
	v, err := messages.DecodeOrdered([]byte(text))
	if err != nil {
		t.Fatalf("policies %s: %v", text, err)
	}
	return NewPermissions(v.(messages.Object))
}

func kwargs(t testing.TB, text string) messages.Object {
	t.Helper()
	if text == "" {
		return nil
	}
	v, err := messages.DecodeOrdered([]byte(text))
	if err != nil {
		t.Fatalf("kwargs %s: %v", text, err)
	}
	return v.(messages.Object)
}

var (
	nodesGate  = Gate{Actions: []string{"cluster:read"}, Resource: "node:id:{filter_node}"}
	agentsGate = Gate{Actions: []string{"agent:read"}, Resource: "agent:id:{agent_list}"}
	groupsGate = Gate{Actions: []string{"group:read"}, Resource: "group:id:{group_list}"}
	statusGate = Gate{Actions: []string{"cluster:status"}, Resource: "*:*:*"}
	selfGate   = Gate{Actions: []string{"cluster:read"}, Resource: "node:id:master-node"}
)

func TestPermissionsApply(t *testing.T) {
	nodes := []string{"master-node", "worker1", "worker2"}
	cases := []struct {
		name      string
		policies  string
		gate      Gate
		kwargs    string
		broadcast bool
		values    string // "-" for nil
		denied    string
		addDenied bool
		skip      bool
		err       string
	}{
		{name: "white: one node allowed", policies: `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["master-node", "worker1"]}`, values: "worker1", denied: "master-node", addDenied: true},
		{name: "broadcasting drops the refused", policies: `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["master-node", "worker1"]}`, broadcast: true, values: "worker1", denied: "master-node"},
		{name: "no node named: every allowed one, even outside the cluster", policies: `{"cluster:read": {"node:id:worker9": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, values: "worker9"},
		{name: "wildcard: the request's nodes", policies: `{"cluster:read": {"node:id:*": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, values: "master-node,worker1,worker2"},
		{name: "wildcard with a named node outside the cluster", policies: `{"cluster:read": {"node:id:*": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["worker9", "worker1"]}`, values: "worker9,worker1", addDenied: true},
		{name: "nothing allowed: 4000", policies: `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["master-node", "worker2"]}`,
			err: "Error 4000 - Permission denied: Resource type: node:id"},
		{name: "nothing allowed while broadcasting", policies: `{"rbac_mode": "white"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["master-node"]}`, broadcast: true, values: "", denied: "master-node"},
		{name: "black: all but the denied", policies: `{"cluster:read": {"node:id:worker2": "deny"}, "rbac_mode": "black"}`,
			gate: nodesGate, kwargs: `{"filter_node": ["worker1", "worker2"]}`, values: "worker1", denied: "worker2", addDenied: true},
		{name: "black, no node named", policies: `{"cluster:read": {"node:id:worker2": "deny"}, "rbac_mode": "black"}`,
			gate: nodesGate, values: "master-node,worker1"},
		{name: "effects apply in order: deny then allow", policies: `{"agent:read": {"agent:id:002": "deny", "agent:id:*": "allow"}, "rbac_mode": "white"}`,
			gate: agentsGate, kwargs: `{"agent_list": ["001", "002"]}`, values: "001,002", addDenied: true},
		{name: "effects apply in order: allow then deny", policies: `{"agent:read": {"agent:id:*": "allow", "agent:id:002": "deny"}, "rbac_mode": "white"}`,
			gate: agentsGate, kwargs: `{"agent_list": ["001", "002", "003"]}`, values: "001,003", denied: "002", addDenied: true},
		{name: "agent group", policies: `{"agent:read": {"agent:group:g1": "allow"}, "rbac_mode": "white"}`,
			gate: agentsGate, kwargs: `{"agent_list": ["001", "002", "003"]}`, values: "001,003", denied: "002", addDenied: true},
		{name: "agent group wildcard, no agent named", policies: `{"agent:read": {"agent:group:*": "allow"}, "rbac_mode": "white"}`,
			gate: agentsGate, values: "000,001,002,003"},
		{name: "agent_id as a string", policies: `{"agent:read": {"agent:id:001": "allow"}, "rbac_mode": "white"}`,
			gate: agentsGate, kwargs: `{"agent_list": "001"}`, values: "001", addDenied: true},
		{name: "agent_list None: every allowed agent, refusals reported", policies: `{"agent:read": {"agent:id:001": "allow"}, "rbac_mode": "white"}`,
			gate: agentsGate, kwargs: `{"agent_list": null}`, broadcast: true, values: "001", addDenied: true},
		{name: "groups", policies: `{"group:read": {"group:id:*": "allow", "group:id:g1": "deny"}, "rbac_mode": "white"}`,
			gate: groupsGate, values: "default"},
		{name: "resourceless allowed", policies: `{"cluster:status": {"*:*:*": "allow"}, "rbac_mode": "white"}`,
			gate: statusGate, values: "-", addDenied: true},
		{name: "resourceless refused", policies: `{"rbac_mode": "white"}`, gate: statusGate,
			err: "Error 4000 - Permission denied: Resource type: *:*"},
		{name: "resourceless refused while broadcasting", policies: `{"rbac_mode": "white"}`, gate: statusGate, broadcast: true,
			values: "-", skip: true},
		{name: "black resourceless", policies: `{"rbac_mode": "black"}`, gate: statusGate, values: "-", addDenied: true},
		{name: "this node", policies: `{"cluster:read": {"node:id:*": "allow"}, "rbac_mode": "white"}`, gate: selfGate, values: "-", addDenied: true},
		{name: "this node refused", policies: `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`, gate: selfGate,
			err: "Error 4000 - Permission denied: Resource type: node:id"},
		{name: "no mode", policies: `{"cluster:read": {"node:id:*": "allow"}}`, gate: nodesGate, err: "python TypeError: rbac_permissions without rbac_mode"},
		{name: "malformed resource", policies: `{"cluster:read": {"node:id:a:b": "allow"}, "rbac_mode": "white"}`, gate: nodesGate,
			err: `python TypeError: resource "node:id:a:b"`},
	}
	for _, c := range cases {
		p := policies(t, c.policies)
		d, err := p.Apply(c.gate, kwargs(t, c.kwargs), c.broadcast, Scope{Nodes: nodes, Resolver: &fakeResolver{}})
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		values := "-"
		if d.Values != nil {
			values = strings.Join(d.Values, ",")
		}
		if values != c.values || strings.Join(d.Denied, ",") != c.denied || d.AddDenied != c.addDenied || d.Skip != c.skip {
			t.Errorf("%s: got values %q denied %q addDenied %v skip %v, want %q %q %v %v", c.name, values,
				strings.Join(d.Denied, ","), d.AddDenied, d.Skip, c.values, c.denied, c.addDenied, c.skip)
		}
	}
}

func TestPermissionDeniedErrorListsTheRefused(t *testing.T) {
	p := policies(t, `{"cluster:read": {"node:id:worker1": "allow"}, "rbac_mode": "white"}`)
	_, err := p.Apply(nodesGate, kwargs(t, `{"filter_node": ["master-node", "worker2"]}`), false, Scope{Nodes: []string{"master-node"}})
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Class != messages.ClassWazuhPermissionError || strings.Join(we.IDs, ",") != "master-node,worker2" {
		t.Fatalf("refusal %#v", err)
	}
	want := `{"__wazuh_exception__": {"__class__": "WazuhPermissionError", "__object__": {"type": "about:blank", "title": "Permission Denied", "code": 4000, "extra_message": "Resource type: node:id", "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": ["master-node", "worker2"]}}}`
	if got := string(messages.EncodeException(we)); got != want {
		t.Errorf("4000\n got %s\nwant %s", got, want)
	}
	d, err := p.Apply(nodesGate, kwargs(t, `{"filter_node": ["worker1", "worker2", "worker3"]}`), false, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	a := NewAffectedItems("", "", "")
	d.AddDeniedTo(a)
	got := a.Failed()
	if len(got) != 1 || strings.Join(got[0].IDs, ",") != "worker2,worker3" || strings.Join(got[0].Err.IDs, ",") != "worker2,worker3" ||
		got[0].Err.Message() != "Permission denied: Resource type: node:id" {
		t.Errorf("failed items %+v", got)
	}
}

func TestPermissionsWithTheAdministratorsPolicies(t *testing.T) {
	admin := adminPermissions(t)
	sc := Scope{Nodes: []string{"master-node", "worker1"}, Resolver: &fakeResolver{}}
	for _, c := range []struct {
		action, resource string
		want             bool
	}{
		{"cluster:read", "node:id:worker1", true},
		{"cluster:read", "node:id:worker-not-in-the-cluster", true},
		{"cluster:status", "*:*:*", true},
		{"agent:read", "agent:id:042", true},
		{"group:read", "group:id:default", true},
		{"group:modify_assignments", "group:id:g1", true},
		{"agent:modify_group", "agent:id:001", true},
		{"syscheck:run", "node:id:worker1", false},
		{"cluster:read", "agent:id:001", false},
		{"no:such_action", "*:*:*", false},
	} {
		got, err := admin.Allowed(c.action, c.resource, sc)
		if err != nil || got != c.want {
			t.Errorf("admin %s on %s: %v %v, want %v", c.action, c.resource, got, err, c.want)
		}
	}
}

func TestPermissionsExpandOnlyWhatTheyNeed(t *testing.T) {
	p := policies(t, `{"cluster:read": {"node:id:*": "allow"}, "agent:read": {"agent:id:*": "allow"}, "rbac_mode": "white"}`)
	if _, err := p.Allowed("cluster:read", "node:id:worker1", Scope{}); err != nil {
		t.Errorf("node resources need no resolver: %v", err)
	}
	if _, err := p.Allowed("agent:read", "agent:id:001", Scope{}); !errors.Is(err, errNoResolver) {
		t.Errorf("agent wildcard without resolver: %v", err)
	}
	r := &fakeResolver{}
	if ok, err := p.Allowed("agent:read", "agent:id:001", Scope{Resolver: r}); !ok || err != nil || r.calls != 1 {
		t.Errorf("agent wildcard: %v %v after %d store calls", ok, err, r.calls)
	}
}
