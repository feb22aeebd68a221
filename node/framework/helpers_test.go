package framework

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// vectorsDir holds the captures of a real Wazuh 4.14.7 master (testdata/vectors/dapi/INDEX.md).
const vectorsDir = "../../testdata/vectors/dapi"

// fakeCluster is a Cluster with a fixed state.
type fakeCluster struct {
	view   NodesView
	hashes messages.Object
	err    error
}

func (f *fakeCluster) Nodes(context.Context) (NodesView, error) { return f.view, f.err }

func (f *fakeCluster) RulesetHashes(context.Context) (messages.Object, error) {
	return f.hashes, f.err
}

// twoNodes is a master and a worker, as a master's get_nodes lists them.
func twoNodes() NodesView {
	worker := messages.NewWorkerStatus()
	worker.LastKeepAlive = "2026-12-06T00:05:16.177399Z"
	return NodesView{
		Nodes: []messages.NodeInfo{
			{Name: "master-node", Type: "master", Version: "4.14.7", IP: "127.0.0.1"},
			{Name: "worker1", Type: "worker", Version: "4.14.7", IP: "10.0.0.2"},
		},
		Health: map[string]messages.NodeHealth{
			"master-node": {Info: messages.HealthInfo{Name: "master-node", Type: "master", Version: "4.14.7", IP: "127.0.0.1", NActiveAgents: 1}},
			"worker1":     {Info: messages.HealthInfo{Name: "worker1", Type: "worker", Version: "4.14.7", IP: "10.0.0.2", NActiveAgents: 2}, Status: &worker},
		},
	}
}

// clusterConfig is read_cluster_config's dict of the captures' master.
func clusterConfig() messages.Object {
	return messages.Object{{Key: "name", Value: "wazuh"}, {Key: "node_name", Value: "master-node"},
		{Key: "node_type", Value: "master"}, {Key: "key", Value: "c98b62a9b6169ac5f67dae55ae4a9088"},
		{Key: "port", Value: 23516}, {Key: "bind_addr", Value: "127.0.0.1"}, {Key: "nodes", Value: []string{"127.0.0.1"}},
		{Key: "hidden", Value: "no"}, {Key: "disabled", Value: false}}
}

// testNode is a master with a real store in a temporary WAZUH_HOME and a fake cluster.
type testNode struct {
	t       testing.TB
	home    string
	store   *wazuhdb.Store
	cluster *fakeCluster
	native  *Native
}

// testManager is the manager's row of the test nodes.
var testManager = Manager{Name: "wazuh-master", NodeName: "master-node", Version: "Wazuh v4.14.7",
	DateAdd: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	OS:      HostOS{Name: "Ubuntu", Version: "22.04.3 LTS", Major: "22", Minor: "04", Platform: "ubuntu", Arch: "x86_64"}}

func newTestNode(t testing.TB, opts ...func(*Config)) *testNode {
	t.Helper()
	home := t.TempDir()
	st, err := wazuhdb.Open(filepath.Join(home, "var", "db", "global.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	n := &testNode{t: t, home: home, store: st, cluster: &fakeCluster{view: twoNodes()}}
	n.addGroup("default")
	cfg := Config{
		Node:    Node{Name: "master-node", Type: "master", Cluster: "wazuh", Home: home, Config: clusterConfig()},
		Cluster: n.cluster, Store: st, Groups: storeGroups{st}, Manager: testManager,
	}
	for _, o := range opts {
		o(&cfg)
	}
	n.native = New(cfg)
	return n
}

// storeGroups applies group changes to the store as the node's adapter does.
type storeGroups struct{ st *wazuhdb.Store }

func (g storeGroups) SetAgentGroup(ctx context.Context, id int, group, mode string) error {
	return g.st.SetAgentGroups(ctx, wazuhdb.SetMode(mode), "syncreq", []wazuhdb.AgentGroups{{ID: id, Groups: []string{group}}})
}

// addGroup makes a group: its folder under etc/shared and its row.
func (n *testNode) addGroup(name string) {
	n.t.Helper()
	if err := os.MkdirAll(filepath.Join(n.home, "etc", "shared", name), 0o750); err != nil {
		n.t.Fatal(err)
	}
	if err := n.store.CreateGroup(context.Background(), name); err != nil {
		n.t.Fatal(err)
	}
}

// agentSpec describes a test agent; empty fields stay NULL.
type agentSpec struct {
	name, ip, status, version, node, platform, osName, major, minor string
	groups                                                          []string
	keepalive                                                       int64
}

// addAgent enrolls an agent and stores what its keepalives said.
func (n *testNode) addAgent(a agentSpec) int {
	n.t.Helper()
	ctx := context.Background()
	groups := a.groups
	if groups == nil {
		groups = []string{"default"}
	}
	got, err := n.store.AddAgent(ctx, wazuhdb.NewAgent{Name: a.name, IP: a.ip, Key: fmt.Sprintf("%064x", len(a.name)),
		Groups: groups, DateAdd: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()})
	if err != nil {
		n.t.Fatalf("add agent %s: %v", a.name, err)
	}
	if a.status != "" {
		got.ConnectionStatus = a.status
		got.Version, got.NodeName, got.OSPlatform, got.OSName = a.version, a.node, a.platform, a.osName
		got.OSMajor, got.OSMinor = a.major, a.minor
		got.IP = a.ip
		got.LastKeepalive = a.keepalive
		if err := n.store.UpdateAgentInfo(ctx, got); err != nil {
			n.t.Fatalf("update agent %s: %v", a.name, err)
		}
	}
	return got.ID
}

// adminPolicies is the rbac_permissions the API sends for the administrator (user wazuh).
func adminPolicies(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorsDir, "rbac_policies_admin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Policies json.RawMessage `json:"rbac_policies"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return string(doc.Policies)
}

// reqOpts are the request fields the tests vary.
type reqOpts struct {
	policies     string // rbac_permissions JSON; "" is black mode without policies
	nodes        string // nodes JSON; "" is ["master-node", "worker1"]
	broadcasting bool
}

// request decodes a request for module.qualname with kwargs (JSON) as the API would send it.
func request(t testing.TB, module, qualname, kwargs string, o reqOpts) *dapi.Request {
	t.Helper()
	if o.policies == "" {
		o.policies = `{"rbac_mode": "black"}`
	}
	if o.nodes == "" {
		o.nodes = `["master-node", "worker1"]`
	}
	if kwargs == "" {
		kwargs = "{}"
	}
	name := qualname[strings.LastIndexByte(qualname, '.')+1:]
	payload := fmt.Sprintf(`{"f": {"__callable__": {"__name__": %q, "__module__": %q, "__qualname__": %q, "__type__": "function"}}, `+
		`"f_kwargs": %s, "request_type": "local_master", "rbac_permissions": %s, "broadcasting": %v, "nodes": %s}`,
		name, module, qualname, kwargs, o.policies, o.broadcasting, o.nodes)
	req, err := dapi.DecodeRequest([]byte(payload))
	if err != nil {
		t.Fatalf("decode request %s: %v", payload, err)
	}
	return req
}

// run executes a request and returns its answer as the node would send it.
func (n *testNode) run(req *dapi.Request) string {
	n.t.Helper()
	res, err := n.native.Execute(context.Background(), req)
	if err != nil {
		res = req.Fail(err, "master-node")
	}
	return string(dapi.EncodeResult(res))
}

// result decodes an answer, failing the test on an exception.
func decodeAnswer(t testing.TB, answer string) dapi.Result {
	t.Helper()
	res, err := dapi.DecodeResult([]byte(answer))
	if err != nil {
		t.Fatalf("decode %s: %v", answer, err)
	}
	return res
}

// affected returns an answer's AffectedItemsWazuhResult.
func affected(t testing.TB, answer string) *dapi.AffectedItems {
	t.Helper()
	a, ok := decodeAnswer(t, answer).(*dapi.AffectedItems)
	if !ok {
		t.Fatalf("answer is not an AffectedItemsWazuhResult: %s", answer)
	}
	return a
}

// wazuhResult returns an answer's WazuhResult dict.
func wazuhResult(t testing.TB, answer string) messages.Object {
	t.Helper()
	r, ok := decodeAnswer(t, answer).(*dapi.WazuhResult)
	if !ok {
		t.Fatalf("answer is not a WazuhResult: %s", answer)
	}
	return r.Dict
}

// exception returns an answer's Wazuh exception.
func exception(t testing.TB, answer string) *messages.WazuhError {
	t.Helper()
	e, ok := decodeAnswer(t, answer).(dapi.Exception)
	if !ok {
		t.Fatalf("answer is not an exception: %s", answer)
	}
	return e.Err
}

// field reads a member of a decoded item.
func field(item any, path ...string) any {
	var v any = item
	for _, k := range path {
		o, ok := v.(messages.Object)
		if !ok {
			return nil
		}
		v, _ = o.Get(k)
	}
	return v
}

// itemValues lists one field of every item, as text.
func itemValues(items []any, path ...string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = messages.PyStr(field(it, path...))
	}
	return out
}

// failedCodes lists the failed items as "code:id,id".
func failedCodes(a *dapi.AffectedItems) []string {
	var out []string
	for _, g := range a.Failed() {
		out = append(out, fmt.Sprintf("%d:%s", g.Err.Code, strings.Join(g.IDs, ",")))
	}
	return out
}

func b64text(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
