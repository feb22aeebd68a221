package actors

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// localCommands are the commands whose payload the local server reads itself, by index.
var localCommands = []string{messages.CmdDapi, messages.CmdDapiFwd, messages.CmdGetNodes, messages.CmdGetHealth}

// FuzzLocalRequest feeds the local socket's payload parsers what any local client may send:
// dapi and dapi_fwd as the local server reads them, get_nodes and get_health as the master
// answers them. None may panic; an accepted dapi_fwd names a node without a space and carries
// a bounded request; an accepted dapi is exactly the payload.
func FuzzLocalRequest(f *testing.F) {
	const request = `{"f": {"__callable__": {"__name__": "get_nodes_info", "__module__": "wazuh.cluster", "__qualname__": "get_nodes_info", "__type__": "function"}}, "f_kwargs": {}, "request_type": "local_master"}`
	f.Add(uint8(0), []byte(request))
	f.Add(uint8(1), []byte("worker1 "+request))
	f.Add(uint8(1), []byte("worker1"))
	f.Add(uint8(1), []byte("\xffworker "+request))
	f.Add(uint8(0), []byte("\xc3\x28"))
	f.Add(uint8(2), []byte(`{"filter_node": null, "offset": 0, "limit": 500, "sort": null, "search": null, "select": null, "filter_type": "all", "distinct": false}`))
	f.Add(uint8(2), []byte(`{"select": ["foo"]}`))
	f.Add(uint8(3), []byte(`["worker1", "master"]`))
	f.Add(uint8(3), []byte(`null`))
	f.Add(uint8(3), []byte(`{}`))
	snap := &NodesSnapshot{
		Nodes:  []messages.NodeInfo{{Name: "master", Type: TypeMaster, Version: "4.14.7", IP: "10.0.0.1"}, {Name: "worker1", Type: TypeWorker, Version: "4.14.7", IP: "10.0.0.2"}},
		Health: map[string]messages.NodeHealth{"master": {}, "worker1": {Status: &messages.WorkerStatus{}}},
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		command := localCommands[int(which)%len(localCommands)]
		switch command {
		case messages.CmdDapi, messages.CmdDapiFwd:
			req, werr := parseLocalDapi(command, payload, "123456")
			if werr != nil {
				if werr.Code == 0 {
					t.Fatalf("refusal without a code: %v", werr)
				}
				return
			}
			if command == messages.CmdDapi && !bytes.Equal(req.body, payload) {
				t.Fatalf("dapi body %q, payload %q", req.body, payload)
			}
			if command == messages.CmdDapiFwd && (strings.Contains(req.node, " ") || !utf8.ValidString(req.node) || len(req.body) > dapi.MaxRequestSize) {
				t.Fatalf("dapi_fwd accepted node %q with %d bytes", req.node, len(req.body))
			}
		default:
			answer, werr := answerNodesQuery(command, payload, snap)
			if werr == nil && len(answer) == 0 {
				t.Fatalf("%s %q: empty answer", command, payload)
			}
		}
	})
}
