package dapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// vectorsDir holds the captures of a real Wazuh 4.14.7 master (testdata/vectors/dapi/INDEX.md).
const vectorsDir = "../../testdata/vectors/dapi"

// capture is one master-*.json file.
type capture struct {
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	Request struct {
		Command string  `json:"command"`
		Payload *string `json:"payload"`
	} `json:"request"`
	Response  string `json:"response"`
	Exchanges []struct {
		Command string `json:"command"`
		Payload string `json:"payload"`
	} `json:"exchanges"`
	Frames [][]string `json:"frames"`
}

func loadCapture(t testing.TB, label string) capture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorsDir, "master-"+label+".json"))
	if err != nil {
		t.Fatalf("read vector %s: %v", label, err)
	}
	var c capture
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("vector %s: %v", label, err)
	}
	return c
}

// dapiPayload is the payload of the capture's dapi exchange.
func dapiPayload(t testing.TB, c capture) []byte {
	t.Helper()
	for _, e := range c.Exchanges {
		if e.Command == "dapi" {
			return []byte(e.Payload)
		}
	}
	t.Fatalf("%s: no dapi exchange", c.Title)
	return nil
}

// newStrLength is the total length the master announced with new_str for the answer.
func newStrLength(t testing.TB, c capture) int {
	t.Helper()
	for _, f := range c.Frames {
		if len(f) == 3 && f[1] == "new_str" {
			n, err := strconv.Atoi(f[2])
			if err != nil {
				t.Fatalf("%s: new_str %q", c.Title, f[2])
			}
			return n
		}
	}
	t.Fatalf("%s: no new_str frame", c.Title)
	return 0
}

// The D requests are the real API's DistributedAPI.to_dict(): decoding them and encoding them
// back must give the same bytes, and their answers must round-trip byte for byte too.
func TestVectorsAPIRequestsRoundTrip(t *testing.T) {
	for _, label := range []string{"D1", "D2", "D3", "D4", "D5", "D6", "D7"} {
		c := loadCapture(t, label)
		payload := dapiPayload(t, c)
		req, err := DecodeRequest(payload)
		if err != nil {
			t.Errorf("%s: DecodeRequest: %v", label, err)
			continue
		}
		if got := req.Encode(); string(got) != string(payload) {
			t.Errorf("%s: re-encoded request differs\n got %s\nwant %s", label, got, payload)
		}
		res, err := DecodeResult([]byte(c.Response))
		if err != nil {
			t.Errorf("%s: DecodeResult: %v", label, err)
			continue
		}
		if got := EncodeResult(res); string(got) != c.Response {
			t.Errorf("%s: re-encoded result differs\n got %s\nwant %s", label, got, c.Response)
		}
		if n := newStrLength(t, c); n != len(c.Response) {
			t.Errorf("%s: new_str announced %d bytes, the answer has %d", label, n, len(c.Response))
		}
	}
}

func TestVectorsDecodedRequestFields(t *testing.T) {
	d1, err := DecodeRequest(dapiPayload(t, loadCapture(t, "D1")))
	if err != nil {
		t.Fatal(err)
	}
	if d1.F.String() != "wazuh.cluster.get_nodes_info" || !d1.F.Async || d1.Type != LocalMaster || !d1.IsAsync ||
		d1.LocalClientArg == nil || *d1.LocalClientArg != "lc" || strings.Join(d1.Nodes, ",") != "master-node" ||
		d1.APITimeout != 10 {
		t.Errorf("D1 decoded as %+v", d1)
	}
	if black, err := d1.RBAC.Black(); err != nil || black {
		t.Errorf("D1 rbac mode: black=%v err=%v, want white", black, err)
	}
	d2, err := DecodeRequest(dapiPayload(t, loadCapture(t, "D2")))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range d2.Kwargs {
		keys = append(keys, m.Key)
	}
	if got := strings.Join(keys, ","); got != "filter_node,offset,limit,sort,select,filter_type,distinct" {
		t.Errorf("D2 f_kwargs order %s", got)
	}
	d4, err := DecodeRequest(dapiPayload(t, loadCapture(t, "D4")))
	if err != nil {
		t.Fatal(err)
	}
	if d4.Type != LocalAny || d4.LocalClientArg != nil {
		t.Errorf("D4 decoded as %+v", d4)
	}
}

// cluster_control -a sends four keys; the receiver fills DistributedAPI's defaults, and
// to_dict writes all thirteen.
func TestVectorsClusterControlAgents(t *testing.T) {
	c := loadCapture(t, "C1")
	req, err := DecodeRequest(dapiPayload(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if req.F.String() != "wazuh.core.agent.Agent.get_agents_overview" || req.F.Name() != "get_agents_overview" {
		t.Errorf("C1 function %v", req.F)
	}
	want := `{"f": {"__callable__": {"__name__": "get_agents_overview", "__module__": "wazuh.core.agent", ` +
		`"__qualname__": "Agent.get_agents_overview", "__type__": "function"}}, "f_kwargs": {"filters": ` +
		`{"status": "all", "node_name": "all"}, "limit": null, "select": ["status", "ip", "name", "node_name", ` +
		`"version", "id"]}, "request_type": "local_master", "wait_for_complete": false, "from_cluster": false, ` +
		`"is_async": false, "local_client_arg": null, "basic_services": ["wazuh-modulesd", "wazuh-analysisd", ` +
		`"wazuh-execd", "wazuh-db", "wazuh-remoted"], "rbac_permissions": {"rbac_mode": "black"}, ` +
		`"current_user": "", "broadcasting": false, "nodes": [], "api_timeout": 10}`
	if got := string(req.Encode()); got != want {
		t.Errorf("C1 re-encoded\n got %s\nwant %s", got, want)
	}
	// The answer: the dict Agent.get_agents_overview returns, wrapped in a WazuhResult.
	answer := EncodeResult(NewWazuhResult(messages.Object{{Key: "items", Value: []any{}}, {Key: "totalItems", Value: 0}}))
	if n := newStrLength(t, c); n != len(answer) {
		t.Errorf("C1 answer is %d bytes, the master sent %d: %s", len(answer), n, answer)
	}
	preview := c.Frames[5][2]
	if !strings.HasPrefix(preview, "861399754 ") || !strings.HasPrefix(string(answer), strings.TrimSuffix(strings.TrimPrefix(preview, "861399754 "), "… (140 B)")) {
		t.Errorf("C1 answer %s does not start as the captured %q", answer, preview)
	}
	res, err := DecodeResult(answer)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.(*WazuhResult).String(); got != c.Response {
		t.Errorf("C1 repr %s, cluster_control printed %s", got, c.Response)
	}
}

// N1–N3: the real master's dapi_err texts.
func TestVectorsRefusals(t *testing.T) {
	for _, label := range []string{"N1", "N2", "N3"} {
		c := loadCapture(t, label)
		_, err := DecodeRequest([]byte(*c.Request.Payload))
		if err == nil {
			t.Errorf("%s: decoded, want %q", label, c.Response)
			continue
		}
		if err.Error() != c.Response {
			t.Errorf("%s: refused with %q, want %q", label, err.Error(), c.Response)
		}
	}
}

// The node queries (R1–R7, C2, C3) are the local socket's own commands: their payloads and
// answers go through the messages package's codecs, byte for byte. (R5b's get_health {} —
// "workers only", which no 4.14.7 caller sends — is left to the local socket's parser, which
// takes null or a list.)
func TestVectorsNodeQueriesRoundTrip(t *testing.T) {
	for _, label := range []string{"R1", "R2", "R3", "R4", "R5", "R5b", "R6", "R7", "C2", "C3"} {
		c := loadCapture(t, label)
		for _, e := range c.Exchanges {
			p := []byte(e.Payload)
			var err error
			switch e.Command {
			case "get_nodes":
				// control.get_nodes always sends "distinct"; the cluster's encoder only when set.
				var args messages.GetNodesArgs
				want := strings.TrimSuffix(e.Payload, `, "distinct": false}`) + "}"
				if args, err = messages.ParseGetNodesArgs(p); err == nil && string(args.Encode()) != want {
					t.Errorf("%s: get_nodes arguments re-encoded as %s, want %s", label, args.Encode(), want)
				}
			case "get_health":
				if e.Payload != "{}" {
					_, err = messages.ParseHealthFilter(p)
				}
			case "get_hash", "get_config":
				if len(p) != 0 {
					t.Errorf("%s: %s payload %q, want empty", label, e.Command, p)
				}
			default:
				t.Errorf("%s: unexpected command %s", label, e.Command)
			}
			if err != nil {
				t.Errorf("%s: %s payload %s: %v", label, e.Command, p, err)
			}
		}
		if !strings.HasPrefix(c.Response, `{"`) {
			continue // cluster_control prints Python reprs
		}
		var got []byte
		switch {
		case strings.Contains(c.Response, "__wazuh_exception__"):
			e, err := messages.DecodeException([]byte(c.Response))
			if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			got = EncodeResult(Exception{Err: e})
		case strings.HasPrefix(c.Response, `{"items"`):
			r, err := messages.ParseNodesResult([]byte(c.Response))
			if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			got = r.Encode()
		case strings.HasPrefix(c.Response, `{"n_connected_nodes"`):
			h, err := messages.ParseHealth([]byte(c.Response))
			if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			got = h.Encode()
		default:
			v, err := decodeWazuhJSON([]byte(c.Response))
			if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			got = messages.EncodeJSON(v)
		}
		if string(got) != c.Response {
			t.Errorf("%s: answer re-encoded\n got %s\nwant %s", label, got, c.Response)
		}
	}
}

func TestVectorsAdminPolicies(t *testing.T) {
	p := adminPermissions(t)
	black, err := p.Black()
	if err != nil || black {
		t.Fatalf("admin policies: black=%v err=%v", black, err)
	}
	if n := len(p.object()); n != 55 {
		t.Errorf("admin policies hold %d members, want 54 actions and rbac_mode", n)
	}
	d1, err := DecodeRequest(dapiPayload(t, loadCapture(t, "D1")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := messages.EncodeJSON(d1.RBAC.object()), messages.EncodeJSON(p.object()); string(got) != string(want) {
		t.Errorf("D1 carries other policies than the administrator's:\n%s\n%s", got, want)
	}
}

// adminPermissions reads the rbac_permissions the API sends for the default user wazuh.
func adminPermissions(t testing.TB) Permissions {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorsDir, "rbac_policies_admin.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := messages.DecodeOrdered(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc, ok := v.(messages.Object)
	if !ok {
		t.Fatalf("rbac_policies_admin.json is %T", v)
	}
	policies, _ := doc.Get("rbac_policies")
	o, ok := policies.(messages.Object)
	if !ok {
		t.Fatalf("rbac_policies_admin.json: rbac_policies is %T", policies)
	}
	return NewPermissions(o)
}
