package framework

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// capture is one master-*.json file.
type capture struct {
	Title     string `json:"title"`
	Response  string `json:"response"`
	Exchanges []struct {
		Command string `json:"command"`
		Payload string `json:"payload"`
	} `json:"exchanges"`
}

func loadCapture(t testing.TB, label string) capture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorsDir, "master-"+label+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var c capture
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// exchange is the payload of the capture's exchange of command.
func (c capture) exchange(t testing.TB, command string) string {
	t.Helper()
	for _, e := range c.Exchanges {
		if e.Command == command {
			return e.Payload
		}
	}
	t.Fatalf("%s: no %s exchange", c.Title, command)
	return ""
}

// capturedMaster is the state of the master the captures were taken on: alone, no agent in
// its table (not even the manager's), its custom ruleset's hashes as get_hash gave them (R6).
func capturedMaster(t *testing.T) *testNode {
	var hashes messages.Object
	v, err := messages.DecodeOrdered([]byte(loadCapture(t, "R6").Response))
	if err != nil {
		t.Fatal(err)
	}
	hashes = v.(messages.Object)
	n := newTestNode(t, func(c *Config) { c.Manager = Manager{} })
	n.cluster.hashes = hashes
	n.cluster.view = NodesView{
		Nodes: []messages.NodeInfo{{Name: "master-node", Type: "master", Version: "4.14.7", IP: "127.0.0.1"}},
		Health: map[string]messages.NodeHealth{"master-node": {Info: messages.HealthInfo{Name: "master-node",
			Type: "master", Version: "4.14.7", IP: "127.0.0.1"}}},
	}
	return n
}

// Each captured request, run natively against the captured master's state, gets the captured
// answer byte for byte.
func TestVectorsCapturedRequestsGetTheCapturedAnswers(t *testing.T) {
	n := capturedMaster(t)
	for _, label := range []string{"D1", "D2", "D3", "D4", "D5", "D6", "D7", "C1"} {
		c := loadCapture(t, label)
		req, err := dapi.DecodeRequest([]byte(c.exchange(t, "dapi")))
		if err != nil {
			t.Fatalf("%s: decode: %v", label, err)
		}
		res, err := n.native.Execute(context.Background(), req)
		if err != nil {
			t.Errorf("%s (%s): %v", label, c.Title, err)
			continue
		}
		want := c.Response
		if label == "C1" {
			// The capture holds the Python repr of what cluster_control received; the master's
			// answer is its JSON (the long string of the capture's frames).
			want = `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [], "totalItems": 0}}}}`
		}
		if got := string(dapi.EncodeResult(res)); got != want {
			t.Errorf("%s (%s):\n got %s\nwant %s", label, c.Title, got, want)
		}
	}
}

// D5 with a caller who may not update the configuration: the key is masked.
func TestVectorsLocalConfigMasksTheKeyWithoutUpdatePermission(t *testing.T) {
	n := capturedMaster(t)
	req := request(t, "wazuh.cluster", "read_config_wrapper", "{}", reqOpts{nodes: `["master-node"]`})
	a := affected(t, n.run(req))
	if got := field(a.Items[0], "key"); got != "*****" {
		t.Errorf("key = %v, want *****", got)
	}
	allowed := request(t, "wazuh.cluster", "read_config_wrapper", "{}", reqOpts{nodes: `["master-node"]`,
		policies: `{"cluster:update_config": {"node:id:other": "allow"}, "rbac_mode": "black"}`})
	a = affected(t, n.run(allowed))
	if got := field(a.Items[0], "key"); got != "c98b62a9b6169ac5f67dae55ae4a9088" {
		t.Errorf("key with cluster:update_config on any node = %v, want it in clear", got)
	}
}
