package control

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// errorVectors reads the err payloads captured from real Wazuh 4.14.7 nodes.
func errorVectors(t testing.TB) map[string]struct {
	Payload    string `json:"payload"`
	DecodedStr string `json:"decoded_str"`
} {
	t.Helper()
	raw, err := os.ReadFile("../../../testdata/vectors/error_payloads.json")
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var vectors map[string]struct {
		Payload    string `json:"payload"`
		DecodedStr string `json:"decoded_str"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	return vectors
}

// nodeErrorOf is the code and text of an error from the node: a Wazuh exception's code, 0 for a
// plain-text error, -1 for anything else.
func nodeErrorOf(err error) (code int, text string) {
	var we *messages.WazuhError
	if errors.As(err, &we) {
		return we.Code, we.Error()
	}
	var te TextError
	if errors.As(err, &te) {
		return 0, te.Error()
	}
	if err == nil {
		return -1, ""
	}
	return -1, err.Error()
}

func TestNodeErrorMatchesWazuhVectors(t *testing.T) {
	for name, v := range errorVectors(t) {
		if _, got := nodeErrorOf(nodeError([]byte(v.Payload))); got != v.DecodedStr {
			t.Errorf("%s: %q, want %q", name, got, v.DecodedStr)
		}
	}
}

func TestNodeErrorForms(t *testing.T) {
	cases := []struct {
		payload string
		code    int
		text    string
	}{
		{"unknown command 'b'bogus''", 0, "unknown command 'b'bogus''"},
		{"Error 3022 - Unknown node ID: w9", 3022, "Error 3022 - Unknown node ID: w9"},
		{`{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"code": 1017, "extra_message": {"node_name": "w1", "not_ready_daemons": "wazuh-db->failed"}}}}`,
			1017, `Error 1017 - Some Wazuh daemons are not ready yet in node "w1" (wazuh-db->failed)`},
		{`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"code": 1000, "extra_message": "custom text", "cmd_error": true}}}`,
			1000, "Error 1000 - custom text"},
		// A code missing from WazuhException.ERRORS is rendered with its extra message alone.
		{`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"code": 9999, "title": "Bad", "extra_message": 3}}}`,
			9999, "Error 9999 - 3"},
		{`{"__wazuh_exception__": {"__class__": "WazuhClusterError", "__object__": {"code": 3000, "extra_message": 1.0}}}`,
			3000, "Error 3000 - Cluster: 1.0"},
		{`{"__wazuh_exception__": {}}`, 0, `{"__wazuh_exception__": {}}`},
		{`{"items": []}`, 0, `{"items": []}`},
		{"", 0, ""},
	}
	for _, tc := range cases {
		code, text := nodeErrorOf(nodeError([]byte(tc.payload)))
		if code != tc.code || text != tc.text {
			t.Errorf("nodeError(%q) = code %d %q, want code %d %q", tc.payload, code, text, tc.code, tc.text)
		}
	}
}

func TestTimeoutMatchesSentinelByCode(t *testing.T) {
	err := error(messages.NewClusterError(3020, "get_nodes"))
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("%v should match ErrTimeout", err)
	}
	if errors.Is(nodeError([]byte("plain")), ErrTimeout) {
		t.Error("a plain-text error must not match ErrTimeout")
	}
}

func TestRequestPayloadsMatchJSONDumps(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{DefaultNodesArgs(nil), `{"filter_node": null, "offset": 0, "limit": 500, "sort": null, "search": null, "select": null, "filter_type": "all", "distinct": false}`},
		{NodesArgs{FilterNode: []string{"w1"}, Sort: &SortArg{Fields: []string{"name"}, Order: "desc"}, Search: &SearchArg{Value: "wor"}},
			`{"filter_node": ["w1"], "offset": 0, "limit": 0, "sort": {"fields": ["name"], "order": "desc"}, "search": {"value": "wor", "negation": false}, "select": null, "filter_type": "", "distinct": false}`},
		{[]string{"master-node", "worker1"}, `["master-node", "worker1"]`},
		{nil, `null`},
		{[]string{}, `[]`},
		{map[string]any{"a": "x, y: z", "b": []int{1, 2}}, `{"a": "x, y: z", "b": [1, 2]}`},
		{[]string{`quote " and \ back`}, `["quote \" and \\ back"]`},
		{[]string{"nœud", "<&>", "😀"}, `["n\u0153ud", "<&>", "\ud83d\ude00"]`},
	}
	for _, tc := range cases {
		if got := string(messages.EncodeJSON(tc.in)); got != tc.want {
			t.Errorf("EncodeJSON(%#v) = %s; want %s", tc.in, got, tc.want)
		}
	}
}
