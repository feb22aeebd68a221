package nodetest_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
	"github.com/clusterd/clusterd/wire"
)

// fakeExecutor stands for a node's functions: whatever it is asked to run, it answers one
// affected item naming its node, the function, whether the master forwarded the request, and
// the agents it was given, so that a test sees where a request ran and what the merge made of
// the answers.
type fakeExecutor struct{ node string }

func (f fakeExecutor) Execute(_ context.Context, req *dapi.Request) (dapi.Result, error) {
	item := messages.Object{{Key: "node", Value: f.node}, {Key: "function", Value: req.F.Name()},
		{Key: "from_cluster", Value: req.FromCluster}}
	if agents, ok := req.Kwarg("agent_list"); ok {
		item = append(item, messages.Member{Key: "agents", Value: agents})
	}
	res := dapi.NewAffectedItems("All selected items were returned", "Some items were not returned", "No item was returned")
	res.Items, res.Total = []any{item}, 1
	// A merge orders the nodes' items by the sort fields (Wazuh's functions always name some).
	res.SortFields, res.SortCasting = []string{"node"}, []string{"str"}
	return res, nil
}

func fakeDAPI(m *nodetest.Member) dapi.Executor { return fakeExecutor{node: m.Name} }

// threeNodes are the nodes of the three-node cluster, as the API lists them in "nodes".
var threeNodes = []string{"master", "worker1", "worker2"}

// apiRequest is a DAPI request as the API sends it (DistributedAPI.to_dict), with the
// administrator's policies in black mode.
func apiRequest(t testing.TB, module, qualname string, typ dapi.RequestType, kwargs messages.Object, broadcast bool) []byte {
	t.Helper()
	f, ok := dapi.LookupFunction(module, qualname)
	if !ok {
		t.Fatalf("%s.%s is not an exposed function", module, qualname)
	}
	req := &dapi.Request{F: f, Kwargs: kwargs, Type: typ, Broadcasting: broadcast, Nodes: threeNodes, APITimeout: 10,
		BasicServices: []string{"wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"}}
	return req.Encode()
}

// fromCluster sets from_cluster in an encoded request, as the master does before forwarding.
func fromCluster(req []byte) []byte {
	return []byte(strings.Replace(string(req), `"from_cluster": false`, `"from_cluster": true`, 1))
}

// dapiClient asks a member's local socket as the API does, waiting at most 30 s for a result.
func dapiClient(m *nodetest.Member) *control.Client {
	cl := m.Client()
	cl.Timeout, cl.ResponseTimeout = 20*time.Second, 30*time.Second
	return cl
}

// ask sends one dapi (or dapi_fwd) on m's socket and returns the decoded result.
func ask(t testing.TB, m *nodetest.Member, command string, payload []byte) dapi.Result {
	t.Helper()
	answer, err := dapiClient(m).Do(context.Background(), command, payload)
	if err != nil {
		t.Fatalf("%s on %s: %v", command, m.Name, err)
	}
	res, err := dapi.DecodeResult(answer)
	if err != nil {
		t.Fatalf("%s on %s answered %q: %v", command, m.Name, answer, err)
	}
	return res
}

// ranOn lists the "node" of each affected item of a fakeExecutor's (merged) answer, and fails
// the test when the answer is anything else.
func ranOn(t testing.TB, res dapi.Result) []string {
	t.Helper()
	items, ok := res.(*dapi.AffectedItems)
	if !ok {
		t.Fatalf("answer %s, want affected items", dapi.EncodeResult(res))
	}
	var nodes []string
	for _, it := range items.Items {
		o, _ := it.(messages.Object)
		n, _ := o.Get("node")
		nodes = append(nodes, fmt.Sprint(n))
	}
	return nodes
}

// item returns the field of the first affected item of a fakeExecutor's answer.
func item(t testing.TB, res dapi.Result, field string) any {
	t.Helper()
	items, ok := res.(*dapi.AffectedItems)
	if !ok || len(items.Items) == 0 {
		t.Fatalf("answer %s, want an affected item", dapi.EncodeResult(res))
	}
	v, _ := items.Items[0].(messages.Object).Get(field)
	return v
}

// addAgentOn writes an agent reporting to node into the master's store, as agent-info sync
// leaves it; it returns the agent's id as the API writes it.
func addAgentOn(t testing.TB, m *nodetest.Member, name, node string) string {
	t.Helper()
	ctx := context.Background()
	st := m.Node().Store()
	a, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: name, IP: "any", Key: strings.Repeat("ab", 32)})
	if err != nil {
		t.Fatal(err)
	}
	a.NodeName, a.ConnectionStatus, a.LastKeepalive = node, "active", time.Now().Unix()
	if err := st.UpdateAgentInfo(ctx, a); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%03d", a.ID)
}

// wazuhCode is the code of the Wazuh exception err carries (0 for none).
func wazuhCode(err error) int {
	var we *messages.WazuhError
	if errors.As(err, &we) {
		return we.Code
	}
	return 0
}

// dapiVector is the request and the final answer of one capture of a real Wazuh master.
func dapiVector(t testing.TB, label string) (payload []byte, response string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "vectors", "dapi", "master-"+label+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Request  struct{ Payload string }
		Response string
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return []byte(v.Request.Payload), v.Response
}

// Three nodes, real sockets, a fake executor on each: every way a request travels (DAPI §3.3)
// reaches the node that can answer it and the answer comes back to the asking client.
func TestDAPIThreeNodes(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, DAPI: fakeDAPI, Tune: func(in *config.Internal) {
		in.Communication.TimeoutDAPIRequest = 3 * time.Second
	}})
	m, w1, w2 := c.Master(), c.Workers()[0], c.Workers()[1]

	t.Run("local_master from a worker's socket runs on the master", func(t *testing.T) {
		res := ask(t, w1, messages.CmdDapi, apiRequest(t, "wazuh.cluster", "get_nodes_info", dapi.LocalMaster,
			messages.Object{{Key: "offset", Value: 0}, {Key: "limit", Value: 500}}, false))
		if got := ranOn(t, res); !slices.Equal(got, []string{"master"}) {
			t.Fatalf("ran on %v, want the master", got)
		}
		nodetest.Eventually(t, 5*time.Second, func() error {
			if !m.Logged("Receiving request: get_nodes_info from worker1 (") {
				return fmt.Errorf("the master did not log the request as Wazuh does")
			}
			return nil
		})
	})

	t.Run("distributed_master for an agent reporting to the other worker", func(t *testing.T) {
		id := addAgentOn(t, m, "web-on-w2", "worker2")
		res := ask(t, w1, messages.CmdDapi, apiRequest(t, "wazuh.agent", "reconnect_agents", dapi.DistributedMaster,
			messages.Object{{Key: "agent_list", Value: []any{id}}}, false))
		if got := ranOn(t, res); !slices.Equal(got, []string{"worker2"}) {
			t.Fatalf("ran on %v, want worker2", got)
		}
		if got := fmt.Sprint(item(t, res, "agents")); got != "["+id+"]" {
			t.Fatalf("worker2 was given agents %s, want [%s]", got, id)
		}
		if item(t, res, "from_cluster") != true {
			t.Fatal("the master forwarded the request without from_cluster")
		}
	})

	t.Run("dapi_fwd from the master's socket", func(t *testing.T) {
		// The master's API forwards a worker's share itself, from_cluster set (DAPI §2.4 d).
		req := fromCluster(apiRequest(t, "wazuh.manager", "get_basic_info", dapi.DistributedMaster, nil, false))
		res := ask(t, m, messages.CmdDapiFwd, append([]byte("worker1 "), req...))
		if got := ranOn(t, res); !slices.Equal(got, []string{"worker1"}) {
			t.Fatalf("ran on %v, want worker1", got)
		}
		_, err := dapiClient(m).Do(context.Background(), messages.CmdDapiFwd, append([]byte("worker9 "), req...))
		if wazuhCode(err) != messages.ErrUnknownNode.Code {
			t.Fatalf("dapi_fwd to an unknown node: %v, want 3022", err)
		}
		_, err = dapiClient(w1).Do(context.Background(), messages.CmdDapiFwd, append([]byte("worker2 "), req...))
		if err == nil || !strings.Contains(err.Error(), "unknown command") {
			t.Fatalf("dapi_fwd on a worker: %v, want unknown command (F3)", err)
		}
	})

	t.Run("a broadcast is merged from every node", func(t *testing.T) {
		res := ask(t, w2, messages.CmdDapi, apiRequest(t, "wazuh.manager", "get_api_config", dapi.DistributedMaster,
			messages.Object{{Key: "node_list", Value: "*"}}, true))
		got := ranOn(t, res)
		sort.Strings(got)
		if !slices.Equal(got, threeNodes) {
			t.Fatalf("merged answer from %v, want %v", got, threeNodes)
		}
		if items := res.(*dapi.AffectedItems); items.Total != 3 {
			t.Fatalf("total_affected_items %d, want 3", items.Total)
		}
	})

	t.Run("refusals carry Wazuh's dapi_err texts", func(t *testing.T) {
		for _, label := range []string{"N1", "N2", "N3"} {
			payload, want := dapiVector(t, label)
			_, err := dapiClient(w1).Do(context.Background(), messages.CmdDapi, payload)
			if err == nil || errors.Unwrap(err).Error() != want {
				t.Errorf("%s through a worker: %v, want dapi_err %q", label, err, want)
			}
		}
	})

	t.Run("a forwarded request its worker swallows ends with 3021", func(t *testing.T) {
		// worker1's DAPI queue loses every request the master forwards it.
		w1.Node().Kit().Faults.Set(actors.RolePath(actors.RoleWorker, actors.NameDAPI),
			actors.Fault{DropProbability: 1, MessageType: "*actors.dapiJob"})
		defer w1.Node().Kit().Faults.Clear(actors.RolePath(actors.RoleWorker, actors.NameDAPI))
		start := time.Now()
		_, err := dapiClient(w2).Do(context.Background(), messages.CmdDapi, apiRequest(t, "wazuh.manager", "get_basic_info",
			dapi.DistributedMaster, messages.Object{{Key: "node_id", Value: "worker1"}}, false))
		took := time.Since(start)
		if wazuhCode(err) != messages.ErrAPITimeout.Code {
			t.Fatalf("answer %v, want 3021", err)
		}
		if took < 3*time.Second || took > 15*time.Second {
			t.Fatalf("3021 after %s, want timeout_dapi_request (3 s)", took)
		}
		_, err = dapiClient(m).Do(context.Background(), messages.CmdDapiFwd,
			append([]byte("worker1 "), fromCluster(apiRequest(t, "wazuh.manager", "get_basic_info", dapi.DistributedMaster, nil, false))...))
		if wazuhCode(err) != messages.ErrAPITimeout.Code {
			t.Fatalf("dapi_fwd answer %v, want 3021", err)
		}
	})

	t.Run("master down: a worker answers 3023 at once", func(t *testing.T) {
		if err := m.Stop(); err != nil {
			t.Fatal(err)
		}
		nodetest.Eventually(t, 10*time.Second, func() error {
			if ok, err := w1.WorkerConnected(); err != nil || ok {
				return fmt.Errorf("worker1 still connected (%v)", err)
			}
			return nil
		})
		start := time.Now()
		_, err := dapiClient(w1).Do(context.Background(), messages.CmdDapi, apiRequest(t, "wazuh.cluster", "get_nodes_info", dapi.LocalMaster, nil, false))
		if wazuhCode(err) != messages.ErrWorkerNotConnected.Code || time.Since(start) > time.Second {
			t.Fatalf("answer %v after %s, want 3023 at once", err, time.Since(start))
		}
	})
}

// A forward waits for its worker only while the worker is connected: when the worker goes, the
// request ends at once with 3032, not after timeout_dapi_request (200 s here).
func TestDAPIForwardEndsWhenItsWorkerGoes(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, DAPI: fakeDAPI})
	m, w1, w2 := c.Master(), c.Workers()[0], c.Workers()[1]
	w1.Node().Kit().Faults.Set(actors.RolePath(actors.RoleWorker, actors.NameDAPI),
		actors.Fault{DropProbability: 1, MessageType: "*actors.dapiJob"})
	done := make(chan error, 1)
	go func() {
		_, err := dapiClient(w2).Do(context.Background(), messages.CmdDapi, apiRequest(t, "wazuh.manager", "get_basic_info",
			dapi.DistributedMaster, messages.Object{{Key: "node_id", Value: "worker1"}}, false))
		done <- err
	}()
	nodetest.Eventually(t, 10*time.Second, func() error {
		if !m.Logged("Receiving request: get_basic_info from worker2 (") {
			return fmt.Errorf("the master has not received the request yet")
		}
		return nil
	})
	stopped := time.Now()
	if err := w1.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if wazuhCode(err) != messages.ErrDAPIForward.Code {
			t.Fatalf("answer %v, want 3032", err)
		}
		if took := time.Since(stopped); took > 10*time.Second {
			t.Fatalf("answered %s after the worker left", took)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no answer 30 s after the worker left")
	}
}

// A node whose executor does not run a function answers at once with the exception naming it
// (here the node's own executor, which does not read agents' inventories), wherever it is
// asked.
func TestDAPIFunctionNotExecutedIsAnsweredAtOnce(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	start := time.Now()
	_, err := dapiClient(c.Workers()[0]).Do(context.Background(), messages.CmdDapi,
		apiRequest(t, "wazuh.syscollector", "get_item_agent", dapi.LocalMaster, nil, false))
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Code != messages.ErrDistributedAPI.Code || !strings.Contains(we.Error(), "wazuh.syscollector.get_item_agent") {
		t.Fatalf("answer %v, want 3009 naming the function", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("answered after %s", took)
	}
	// The agents overview is executed, through the worker, as cluster_control -a sends it.
	doc, err := c.Workers()[0].Client().GetAgents(context.Background(), nil, nil)
	if err != nil || len(doc.Items) == 0 || doc.Items[0].ID != "000" {
		t.Fatalf("agents overview through the worker: %+v, %v", doc, err)
	}
}

// A worker relays the master's refusal of get_nodes to its client as the exception itself,
// which the API raises as it is; Wazuh's worker cannot relay it and its client waits 200 s
// (DAPI §7 Q2).
func TestWorkerRelaysTheMastersNodeQueryError(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	_, err := dapiClient(c.Workers()[0]).Do(context.Background(), messages.CmdGetNodes, []byte(`{"select": ["foo"]}`))
	var we *messages.WazuhError
	if !errors.As(err, &we) || we.Code != 1724 || we.Class != messages.ClassWazuhError || we.ExtraRemediation == nil || *we.ExtraRemediation != "name, type, version, ip" {
		t.Fatalf("get_nodes with a bad select through a worker: %#v (%v), want WazuhError 1724 as the master raised it", we, err)
	}
}

// get_hash answers the hashes of the node's own ruleset (etc/rules, etc/decoders, etc/lists),
// BLAKE2b by path as Wazuh computes them; a worker answers the same once the master's files
// reached it, which is what GET /cluster/ruleset/synchronization compares.
func TestGetHashAnswersTheRulesetHashes(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, NoStore: true})
	files := map[string]string{
		"etc/rules/local_rules.xml":      "<group name=\"local\"></group>\n",
		"etc/decoders/local_decoder.xml": "<decoder name=\"local\"></decoder>\n",
		"etc/lists/conformance-list":     "a:b\n",
	}
	for rel, data := range files {
		path := filepath.Join(c.Master().Home, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	hashes := func(m *nodetest.Member) (map[string]string, error) {
		answer, err := m.Client().Do(context.Background(), messages.CmdGetHash, nil)
		if err != nil {
			return nil, err
		}
		var out map[string]string
		return out, json.Unmarshal(answer, &out)
	}
	got, err := hashes(c.Master())
	if err != nil {
		t.Fatal(err)
	}
	for rel, data := range files {
		if want := blake2bHex(data); got[rel] != want {
			t.Errorf("get_hash %s = %q, want %q", rel, got[rel], want)
		}
	}
	if len(got) != len(files) {
		t.Errorf("get_hash lists %v, want the %d ruleset files", got, len(files))
	}
	nodetest.Eventually(t, 15*time.Second, func() error {
		w, err := hashes(c.Workers()[0])
		if err != nil {
			return err
		}
		if fmt.Sprint(w) != fmt.Sprint(got) {
			return fmt.Errorf("worker's hashes %v, master's %v", w, got)
		}
		return nil
	})
}

// blake2bHex is Wazuh's utils.blake2b of a file holding data.
func blake2bHex(data string) string {
	sum := blake2b.Sum512([]byte(data))
	return hex.EncodeToString(sum[:])
}

// A Wazuh 4.14.7 worker under a clusterd master: its API's dapi "<client> <json>" is queued
// ("ok Added request to API requests queue") and answered as Wazuh's master answers it, the
// result as a long string then dapi_res "<client> <string id>"; a refused request as dapi_err
// "<client> <text>" (DAPI §3.1).
func TestDAPIFromAWazuhWorker(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{DAPI: fakeDAPI})
	w := startWazuhWorker(t, c, "wazuhworker")
	req := apiRequest(t, "wazuh.cluster", "get_nodes_info", dapi.LocalMaster, nil, false)
	if f := w.ask(t, messages.CmdDapi, append([]byte("481516 "), req...)); f.Command != messages.CmdOK || string(f.Payload) != messages.ReplyDapiQueued {
		t.Fatalf("dapi answered %s %q", f.Command, f.Payload)
	}
	f := nextDapiAnswer(t, w.dapi)
	client, result, _ := strings.Cut(string(f.Payload), " ")
	if f.Command != messages.CmdDapiRes || client != "481516" {
		t.Fatalf("answer %s %q, want dapi_res for client 481516", f.Command, f.Payload)
	}
	res, err := dapi.DecodeResult([]byte(result))
	if err != nil {
		t.Fatalf("the long string %q: %v", result, err)
	}
	if got := ranOn(t, res); !slices.Equal(got, []string{"master"}) {
		t.Fatalf("ran on %v, want the master", got)
	}
	if !c.Master().Logged("Receiving request: get_nodes_info from wazuhworker (481516)") {
		t.Error("the master did not log the request as Wazuh does")
	}

	payload, want := dapiVector(t, "N1")
	if f := w.ask(t, messages.CmdDapi, append([]byte("42 "), payload...)); f.Command != messages.CmdOK {
		t.Fatalf("dapi answered %s %q", f.Command, f.Payload)
	}
	if f := nextDapiAnswer(t, w.dapi); f.Command != messages.CmdDapiErr || string(f.Payload) != "42 "+want {
		t.Fatalf("answer %s %q, want dapi_err %q", f.Command, f.Payload, "42 "+want)
	}
}

// A clusterd worker under a Wazuh master: the master's dapi "<uuid> <json>" (a share it
// forwards) is queued and run, and the answer goes back as a long string then dapi_res
// "<uuid> <string id>"; a refused request as dapi_err "<uuid> <text>".
func TestDAPIFromAWazuhMaster(t *testing.T) {
	fm := startFakeMaster(t)
	nodetest.StartWorkerOf(t, fm.addr(), nodetest.Options{DAPI: fakeDAPI})
	select {
	case <-fm.hellos:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not connect")
	}
	const id = "051c7eeb-4d3e-46ca-971a-8d6430064a31"
	req := fromCluster(apiRequest(t, "wazuh.manager", "get_basic_info", dapi.DistributedMaster, nil, false))
	if f := fm.request(messages.CmdDapi, append([]byte(id+" "), req...)); f.Command != messages.CmdOK || string(f.Payload) != messages.ReplyDapiQueued {
		t.Fatalf("dapi answered %s %q", f.Command, f.Payload)
	}
	f := nextDapiAnswer(t, fm.dapi)
	got, result, _ := strings.Cut(string(f.Payload), " ")
	if f.Command != messages.CmdDapiRes || got != id {
		t.Fatalf("answer %s %q, want dapi_res for %s", f.Command, f.Payload, id)
	}
	res, err := dapi.DecodeResult([]byte(result))
	if err != nil {
		t.Fatalf("the long string %q: %v", result, err)
	}
	if got := ranOn(t, res); !slices.Equal(got, []string{"worker1"}) || item(t, res, "from_cluster") != true {
		t.Fatalf("answer %s, want worker1's, run as forwarded", result)
	}

	payload, want := dapiVector(t, "N2")
	if f := fm.request(messages.CmdDapi, append([]byte(id+" "), payload...)); f.Command != messages.CmdOK {
		t.Fatalf("dapi answered %s %q", f.Command, f.Payload)
	}
	if f := nextDapiAnswer(t, fm.dapi); f.Command != messages.CmdDapiErr || string(f.Payload) != id+" "+want {
		t.Fatalf("answer %s %q, want dapi_err %q", f.Command, f.Payload, id+" "+want)
	}
}

// nextDapiAnswer waits for the next dapi_res or dapi_err a raw peer received.
func nextDapiAnswer(t testing.TB, answers <-chan messages.Frame) messages.Frame {
	t.Helper()
	select {
	case f := <-answers:
		return f
	case <-time.After(15 * time.Second):
		t.Fatal("no dapi_res or dapi_err within 15 s")
		return messages.Frame{}
	}
}

// The master never has as many answers open on one worker's connection as the long strings a
// clusterd worker accepts open at once (wire.DefaultMaxOpenStrings): a burst of requests from
// one worker leaves room for its other strings (agent-groups, agent-info). When the answers
// filled every place, the next new_str was refused, and the err_str that follows a refused
// new_str dropped another answer's buffer, whose dapi_res then failed with 3035.
func TestDAPIAnswersLeaveRoomForAWorkersOtherStrings(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{DAPI: fakeDAPI})
	p := helloRaw(t, c, "burstworker")
	const requests = wire.DefaultMaxOpenStrings + 8
	req := apiRequest(t, "wazuh.cluster", "get_nodes_info", dapi.LocalMaster, nil, false)
	for i := range requests {
		p.Send(messages.CmdDapi, append([]byte(fmt.Sprintf("%d ", i)), req...))
	}
	// The worker holds its answers to str_upd until the master goes quiet, so that every string
	// the master has begun stays open: their number is how many answers the master sends at once.
	_ = p.Conn().SetReadDeadline(time.Time{})
	frames := make(chan messages.Frame, 256)
	go func() {
		defer close(frames)
		for {
			f, err := p.ReadFrame()
			if err != nil {
				return
			}
			frames <- f
		}
	}()
	var held []messages.Frame
	open, peak, answered, nextID := 0, 0, 0, 0
	deadline := time.After(60 * time.Second)
	for answered < requests {
		var f messages.Frame
		select {
		case f = <-frames:
		case <-time.After(300 * time.Millisecond):
			peak = max(peak, open)
			for _, h := range held {
				if err := p.Write(h); err != nil {
					t.Fatal(err)
				}
			}
			held = nil
			continue
		case <-deadline:
			t.Fatalf("%d of %d requests answered", answered, requests)
		}
		reply := nodetest.WazuhWorkerReply(f)
		switch f.Command {
		case messages.CmdOK, messages.CmdErr:
			continue // the master's answers to our dapi requests
		case messages.CmdNewStr:
			open++
			nextID++
			reply.Payload = []byte(fmt.Sprint(nextID))
		case messages.CmdStrUpd:
			held = append(held, reply)
			continue
		case messages.CmdDapiRes, messages.CmdDapiErr:
			open--
			answered++
			if f.Command == messages.CmdDapiErr {
				t.Errorf("dapi_err %q", f.Payload)
			}
		case messages.CmdSynGMW, messages.CmdSynGMWC:
			open--
		}
		if err := p.Write(reply); err != nil {
			t.Fatal(err)
		}
	}
	_ = p.Conn().Close()
	for range frames {
	}
	if peak >= wire.DefaultMaxOpenStrings {
		t.Fatalf("the master had %d answers open at once on one connection; a clusterd worker accepts %d strings",
			peak, wire.DefaultMaxOpenStrings)
	}
	t.Logf("at most %d strings open at once", peak)
}

// A dapi_fwd whose local client went away no longer waits: the worker's late answer is refused
// with 3032, as one for a request nobody asked, and its place in the table is free.
func TestDAPIForwardOfAGoneClientIsForgotten(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{DAPI: fakeDAPI})
	w := startWazuhWorker(t, c, "wazuhworker")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := dapiClient(c.Master()).Do(ctx, messages.CmdDapiFwd,
			append([]byte("wazuhworker "), fromCluster(apiRequest(t, "wazuh.manager", "get_basic_info", dapi.DistributedMaster, nil, false))...))
		done <- err
	}()
	f := nextDapiAnswer(t, w.dapi)
	id, _, _ := strings.Cut(string(f.Payload), " ")
	if f.Command != messages.CmdDapi || id == "" {
		t.Fatalf("the worker got %s %q, want the forwarded dapi", f.Command, f.Payload)
	}
	cancel()
	<-done
	// The client's connection actor is gone once it told Peers; a round trip through Peers then
	// puts the cancellation in the handler's mailbox ahead of the worker's answer.
	kit := c.Master().Node().Kit()
	nodetest.Eventually(t, 10*time.Second, func() error {
		if kit.Registry.Lookup(actors.Path(actors.NameLocal) + "/" + id) {
			return fmt.Errorf("local client %s still connected", id)
		}
		return nil
	})
	if _, err := kit.System.Root.RequestFuture(kit.System.NewLocalPID(actors.Path(actors.NamePeers)), &actors.NodesQuery{}, 5*time.Second).Result(); err != nil {
		t.Fatal(err)
	}
	if reply := w.ask(t, messages.CmdDapiErr, []byte(id+" Error 1000 - too late")); nodetest.WazuhCode(t, reply) != messages.ErrDAPIForward.Code {
		t.Fatalf("the worker's late answer got %s %q, want 3032", reply.Command, reply.Payload)
	}
}
