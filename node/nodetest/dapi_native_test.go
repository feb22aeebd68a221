package nodetest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
)

// nativeRequest is a request of the API for fn (module.qualname as it travels), with the
// administrator's permissions in black mode and the cluster's nodes.
func nativeRequest(t *testing.T, module, qualname, kwargs string) *dapi.Request {
	t.Helper()
	name := qualname[strings.LastIndexByte(qualname, '.')+1:]
	payload := `{"f": {"__callable__": {"__name__": "` + name + `", "__module__": "` + module + `", "__qualname__": "` +
		qualname + `", "__type__": "function"}}, "f_kwargs": ` + kwargs + `, "request_type": "local_master", ` +
		`"rbac_permissions": {"rbac_mode": "black"}, "nodes": ["master", "worker1"]}`
	req, err := dapi.DecodeRequest([]byte(payload))
	if err != nil {
		t.Fatalf("decode %s: %v", payload, err)
	}
	return req
}

// execute runs a request with a member's executor and returns its encoded answer.
func execute(t *testing.T, m *nodetest.Member, req *dapi.Request) string {
	t.Helper()
	ex := m.Node().Settings().Services.DAPI
	if ex == nil {
		t.Fatalf("%s has no DAPI executor", m.Name)
	}
	res, err := ex.Execute(context.Background(), req)
	if err != nil {
		res = req.Fail(err, m.Name)
	}
	return string(dapi.EncodeResult(res))
}

// The node's executor reads the cluster from its actors: the master's peers on the master,
// the master's answers on a worker; and the agents from the master's store.
func TestNativeFunctionsReadTheNodesState(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	master, worker := c.Master(), c.Workers()[0]
	for _, m := range []*nodetest.Member{master, worker} {
		got := execute(t, m, nativeRequest(t, "wazuh.cluster", "get_nodes_info", `{"select": ["name", "type"]}`))
		if !strings.Contains(got, `"affected_items": [{"name": "master", "type": "master"}, {"name": "worker1", "type": "worker"}]`) {
			t.Errorf("get_nodes_info on %s: %s", m.Name, got)
		}
		got = execute(t, m, nativeRequest(t, "wazuh.cluster", "get_health_nodes", `{}`))
		if !strings.Contains(got, `"name": "worker1"`) || !strings.Contains(got, `"last_keep_alive": "`) {
			t.Errorf("get_health_nodes on %s: %s", m.Name, got)
		}
	}
	got := execute(t, worker, nativeRequest(t, "wazuh.cluster", "get_node_wrapper", `{}`))
	if !strings.Contains(got, `"affected_items": [{"node": "worker1", "cluster": "wazuh", "type": "worker"}]`) {
		t.Errorf("get_node_wrapper on the worker: %s", got)
	}

	rules := filepath.Join(master.Home, "etc", "rules")
	if err := os.MkdirAll(rules, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rules, "local_rules.xml"), []byte("<group name=\"local\"></group>\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	got = execute(t, master, nativeRequest(t, "wazuh.core.cluster.control", "get_node_ruleset_integrity", `{}`))
	if !strings.Contains(got, `"result": {"etc/rules/local_rules.xml": "`) {
		t.Errorf("ruleset integrity: %s", got)
	}

	if _, err := master.Node().Store().AddAgent(context.Background(), wazuhdb.NewAgent{Name: "web", IP: "10.0.0.9",
		Key: strings.Repeat("a", 64), Groups: []string{"default"}}); err != nil {
		t.Fatal(err)
	}
	got = execute(t, master, nativeRequest(t, "wazuh.core.agent", "Agent.get_agents_overview",
		`{"filters": {"status": "all", "node_name": "all"}, "limit": null, "select": ["id", "name", "status"]}`))
	res, err := dapi.DecodeResult([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := res.(*dapi.WazuhResult).Dict.Get("items")
	if s := string(messages.EncodeJSON(items)); !strings.HasPrefix(s, `[{"id": "000", "name": "`) ||
		!strings.HasSuffix(s, `{"id": "001", "name": "web", "status": "never_connected"}]`) {
		t.Errorf("agents overview: %s", s)
	}
	// get_status: clusterd is running, and so are the manager daemons it plays.
	got = execute(t, master, nativeRequest(t, "wazuh.manager", "get_status", `{}`))
	if !strings.Contains(got, `"wazuh-clusterd": "running"`) || !strings.Contains(got, `"wazuh-db": "running"`) {
		t.Errorf("status: %s", got)
	}
}
