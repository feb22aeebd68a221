package messages

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// vectorAgentInfo is the worker → master agent-info document of the capture
// (send_string_payloads.json "c2s" entry).
var vectorAgentInfo = AgentInfoChunks{
	Syncreq: []AgentInfoItem{{
		ID: 1, Name: "agent-one", IP: "127.0.0.1", OSName: "Debian GNU/Linux", OSVersion: "12",
		OSMajor: "12", OSCodename: "bookworm", OSPlatform: "debian",
		OSUname: "Linux | conformance | 6.1.0 | #1 SMP | x86_64", OSArch: "x86_64",
		Version: "Wazuh v4.14.7", ConfigSum: "ab12cd34ef56ab12cd34ef56ab12cd34",
		MergedSum: "0123456789abcdef0123456789abcdef", ManagerHost: "conformance-worker",
		NodeName: "worker1", LastKeepalive: 1700000000, ConnectionStatus: "active",
		GroupConfigStatus: "synced", Labels: []AgentLabel{{Key: "env", Value: "conformance"}},
	}},
	Keepalive: []AgentKeepaliveItem{{ID: 2, Version: "Wazuh v4.14.7"}},
	Status:    []AgentStatusItem{{ID: 2, Version: "Wazuh v4.14.7", ConnectionStatus: "disconnected", DisconnectionTime: 1700000100}},
}

// capturedAgentInfoDocument returns the agent-info document exactly as the Python worker sent
// it (the str_upd plaintext after the string id).
func capturedAgentInfoDocument(t *testing.T) []byte {
	t.Helper()
	for _, p := range capturedPayloads(t, "live_capture_sample.jsonl", "str_upd") {
		_, doc, ok := strings.Cut(p, " ")
		if ok && strings.Contains(doc, SyncAgentInfoSetCommand) {
			return []byte(doc)
		}
	}
	t.Fatal("no agent-info str_upd in the capture")
	return nil
}

func TestAgentInfoVector(t *testing.T) {
	wire := capturedAgentInfoDocument(t)
	got, err := ParseAgentInfoSync(wire)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, vectorAgentInfo) {
		t.Fatalf("captured document =\n%+v\nwant\n%+v", got, vectorAgentInfo)
	}

	// The same document as send_string_payloads.json holds it (pretty-printed JSON).
	var docs []struct {
		Dir  string          `json:"dir"`
		JSON json.RawMessage `json:"json"`
	}
	readJSONVector(t, "send_string_payloads.json", &docs)
	found := false
	for _, d := range docs {
		if d.Dir != "c2s" {
			continue
		}
		found = true
		fromVector, err := ParseAgentInfoSync(d.JSON)
		if err != nil || !reflect.DeepEqual(fromVector, vectorAgentInfo) {
			t.Fatalf("vector document = %+v, %v", fromVector, err)
		}
	}
	if !found {
		t.Fatal("no c2s document in send_string_payloads.json")
	}

	// The capture came from a stand-in wazuh-db that also wrote the empty os_minor and
	// os_build; wazuh-db leaves empty strings out, and so does the encoder. Apart from those
	// two members the encoding is the captured bytes.
	want := bytes.ReplaceAll(wire, []byte(`"os_minor": "", `), nil)
	want = bytes.ReplaceAll(want, []byte(`"os_build": "", `), nil)
	if enc := EncodeAgentInfoSync(got); !bytes.Equal(enc, want) {
		t.Fatalf("encoded =\n%s\nwant\n%s", enc, want)
	}
	if got.Count() != 3 || got.Empty() {
		t.Fatalf("Count %d Empty %v", got.Count(), got.Empty())
	}
}

func TestEncodeAgentInfoOmitsWhatWazuhDBOmits(t *testing.T) {
	c := AgentInfoChunks{
		Syncreq:   []AgentInfoItem{{ID: 7, Name: "é", IP: " ", Labels: []AgentLabel{}}},
		Keepalive: []AgentKeepaliveItem{},
		Status:    []AgentStatusItem{{ID: 8}},
	}
	want := `{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {` +
		`"syncreq": [{"id": 7, "name": "\u00e9", "last_keepalive": 0, "disconnection_time": 0, "status_code": 0}], ` +
		`"syncreq_status": [{"id": 8, "disconnection_time": 0, "status_code": 0}]}}`
	if got := string(EncodeAgentInfoSync(c)); got != want {
		t.Fatalf("encoded =\n%s\nwant\n%s", got, want)
	}
	if got := string(EncodeAgentInfoSync(AgentInfoChunks{})); got != `{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {}}` {
		t.Fatalf("empty = %s", got)
	}
}

func TestParseAgentInfoSyncVariants(t *testing.T) {
	cases := map[string]struct {
		doc   string
		want  AgentInfoChunks
		count int
	}{
		"nothing to do":   {`{"set_data_command":"global sync-agent-info-set","payload":{},"chunks":{}}`, AgentInfoChunks{}, 0},
		"no chunks":       {`{"set_data_command": "global sync-agent-info-set"}`, AgentInfoChunks{}, 0},
		"no command":      {`{"chunks": {"syncreq_keepalive": [3]}}`, AgentInfoChunks{Keepalive: []AgentKeepaliveItem{{ID: 3}}}, 1},
		"empty list kept": {`{"chunks": {"syncreq": []}}`, AgentInfoChunks{Syncreq: []AgentInfoItem{}}, 1},
		"null members": {`{"chunks": {"syncreq": [{"id": 4, "name": null, "labels": null, "status_code": null}],
			"syncreq_status": null}}`, AgentInfoChunks{Syncreq: []AgentInfoItem{{ID: 4}}}, 1},
		"label without value": {"{\n\"chunks\" : {\"syncreq\" : [ {\"id\" : 5, \"labels\" : [{\"key\": \"k\"}]} ] } }",
			AgentInfoChunks{Syncreq: []AgentInfoItem{{ID: 5, Labels: []AgentLabel{{Key: "k"}}}}}, 1},
		"keepalive objects and ids": {`{"chunks": {"syncreq_keepalive": [{"id": 1}, 2, {"id": 3, "version": "v"}]}}`,
			AgentInfoChunks{Keepalive: []AgentKeepaliveItem{{ID: 1}, {ID: 2}, {ID: 3, Version: "v"}}}, 1},
		"unknown members ignored": {`{"payload": {"x": 1}, "chunks": {"other": 1, "syncreq_status": [{"id": 9, "extra": [1]}]}}`,
			AgentInfoChunks{Status: []AgentStatusItem{{ID: 9}}}, 1},
	}
	for name, c := range cases {
		got, err := ParseAgentInfoSync([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) || got.Count() != c.count {
			t.Errorf("%s: got %+v (count %d), want %+v (count %d)", name, got, got.Count(), c.want, c.count)
		}
	}
}

func TestParseAgentInfoSyncRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":            `{"chunks": `,
		"not an object":       `[1]`,
		"other command":       `{"set_data_command": "global set-agent-groups", "chunks": {}}`,
		"command not string":  `{"set_data_command": 1}`,
		"chunks not object":   `{"chunks": []}`,
		"list not list":       `{"chunks": {"syncreq": {}}}`,
		"item not object":     `{"chunks": {"syncreq": [1]}}`,
		"missing id":          `{"chunks": {"syncreq_status": [{"status_code": 1}]}}`,
		"null id":             `{"chunks": {"syncreq_status": [{"id": null}]}}`,
		"float id":            `{"chunks": {"syncreq": [{"id": 1.0}]}}`,
		"string id":           `{"chunks": {"syncreq_keepalive": ["1"]}}`,
		"huge id":             `{"chunks": {"syncreq_keepalive": [99999999999999999999]}}`,
		"string as int":       `{"chunks": {"syncreq": [{"id": 1, "last_keepalive": "1"}]}}`,
		"int as string":       `{"chunks": {"syncreq": [{"id": 1, "name": 5}]}}`,
		"labels not list":     `{"chunks": {"syncreq": [{"id": 1, "labels": {}}]}}`,
		"label not object":    `{"chunks": {"syncreq": [{"id": 1, "labels": ["a"]}]}}`,
		"label key not text":  `{"chunks": {"syncreq": [{"id": 1, "labels": [{"key": 1}]}]}}`,
		"trailing data":       `{} {}`,
		"keepalive bad field": `{"chunks": {"syncreq_keepalive": [{"id": 1, "version": 4}]}}`,
	} {
		_, err := ParseAgentInfoSync([]byte(doc))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, ErrAgentInfoSync) && !errors.Is(err, ErrInvalidJSON) && !errors.Is(err, ErrMalformedPayload) && !errors.Is(err, ErrTrailingData) {
			t.Errorf("%s: unexpected error %v", name, err)
		}
	}
}

func TestAgentInfoChunksCountAndEmpty(t *testing.T) {
	if c := (AgentInfoChunks{}); !c.Empty() || c.Count() != 0 {
		t.Fatalf("zero value: Empty %v Count %d", c.Empty(), c.Count())
	}
	c := AgentInfoChunks{Syncreq: []AgentInfoItem{}, Keepalive: []AgentKeepaliveItem{}, Status: []AgentStatusItem{}}
	if !c.Empty() || c.Count() != 3 {
		t.Fatalf("three empty keys: Empty %v Count %d", c.Empty(), c.Count())
	}
}
