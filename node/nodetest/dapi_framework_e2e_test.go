package nodetest_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/nodetest"
)

// A worker's API authenticates every call on the master (DAPI §5.2): check_token, sent on the
// worker's local socket as local_master, reaches the master, which runs it with the manager's
// framework, and the answer comes back to the worker's client.
func TestWazuhModeWorkerAPIAuthenticatesOnTheMastersFramework(t *testing.T) {
	requirePython(t)
	c := nodetest.Start(t, nodetest.Options{Workers: 1, WazuhDB: true})
	master, worker := c.Master(), c.Workers()[0]
	runBasicDaemons(t, master.Home)
	var helper int
	nodetest.Eventually(t, 30*time.Second, func() error {
		s, err := actors.NewFrameworkClient(master.Node().Kit()).Status(time.Second)
		if err != nil || !s.Ready {
			return fmt.Errorf("the master's framework: %+v, %v", s, err)
		}
		helper = s.PID
		return nil
	})
	for _, f := range []struct{ qualname, kwargs string }{
		{"check_token", `{"username": "wazuh", "roles": [1], "token_nbf_time": 1700000000, "run_as": false, "origin_node_type": "worker"}`},
		{"get_security_conf", `{}`},
	} {
		kwargs, err := messages.DecodeObject([]byte(f.kwargs))
		if err != nil {
			t.Fatal(err)
		}
		res := ask(t, worker, "dapi", apiRequest(t, "api.authentication", f.qualname, dapi.LocalMaster, kwargs.(messages.Object), false))
		var got struct {
			Result struct {
				Object struct {
					Result map[string]any `json:"result"`
				} `json:"__object__"`
			} `json:"__wazuh_result__"`
		}
		if err := json.Unmarshal(dapi.EncodeResult(res), &got); err != nil {
			t.Fatal(err)
		}
		r := got.Result.Object.Result
		switch f.qualname {
		case "check_token":
			if r["function"] != "api.authentication.check_token" || r["pid"] == float64(helper) {
				t.Fatalf("check_token: %s (the master's framework is process %d; its authentication pool runs it)", dapi.EncodeResult(res), helper)
			}
		default:
			if r["rbac_mode"] != "white" {
				t.Fatalf("get_security_conf: %s", dapi.EncodeResult(res))
			}
		}
	}
}
