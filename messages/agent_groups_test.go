package messages

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// vectorAgentGroupsSync is the s2c document of send_string_payloads.json as Wazuh's
// json.dumps puts it on the wire.
const vectorAgentGroupsSync = `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": ["[{\"data\":[{\"id\":1,\"groups\":[\"default\",\"group-a\"]},{\"id\":2,\"groups\":[\"default\"]}],\"hash\":\"conformance-hash\"}]"]}`

func agentGroupsVector(t *testing.T) json.RawMessage {
	t.Helper()
	var docs []struct {
		Dir  string          `json:"dir"`
		JSON json.RawMessage `json:"json"`
	}
	readJSONVector(t, "send_string_payloads.json", &docs)
	for _, d := range docs {
		if d.Dir == "s2c" {
			return d.JSON
		}
	}
	t.Fatal("no s2c document in send_string_payloads.json")
	return nil
}

func TestAgentGroupsSyncReproducesVector(t *testing.T) {
	raw := agentGroupsVector(t)
	var want any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var literal any
	if err := json.Unmarshal([]byte(vectorAgentGroupsSync), &literal); err != nil || !reflect.DeepEqual(literal, want) {
		t.Fatalf("test constant does not hold the vector's document: %v", err)
	}

	chunk := EncodeAgentGroupsChunk(AgentGroupsChunk{
		Data: []AgentGroupsEntry{
			{ID: 1, Groups: []string{"default", "group-a"}},
			{ID: 2, Groups: []string{"default"}},
		},
		Hash: "conformance-hash", HasHash: true,
	})
	got := EncodeAgentGroupsSync(AgentGroupsSync{Mode: AgentGroupsModeOverride, SyncStatus: AgentGroupsStatusSynced, Chunks: []string{chunk}})
	if string(got) != vectorAgentGroupsSync {
		t.Errorf("encode:\n got %s\nwant %s", got, vectorAgentGroupsSync)
	}

	for name, doc := range map[string][]byte{"vector": raw, "wire": []byte(vectorAgentGroupsSync)} {
		s, err := ParseAgentGroupsSync(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Mode != "override" || s.SyncStatus != "synced" || len(s.Chunks) != 1 || s.Chunks[0] != chunk {
			t.Errorf("%s: parsed %+v", name, s)
		}
		c, err := ParseAgentGroupsChunk(s.Chunks[0])
		if err != nil {
			t.Fatalf("%s: chunk: %v", name, err)
		}
		if len(c.Data) != 2 || c.Data[0].ID != 1 || !reflect.DeepEqual(c.Data[0].Groups, []string{"default", "group-a"}) || c.Hash != "conformance-hash" || !c.HasHash {
			t.Errorf("%s: chunk %+v", name, c)
		}
		if EncodeAgentGroupsChunk(c) != s.Chunks[0] {
			t.Errorf("%s: chunk does not re-encode to the same bytes", name)
		}
		if h, ok := LastChunkHash(s.Chunks); !ok || h != "conformance-hash" {
			t.Errorf("%s: LastChunkHash = %q, %v", name, h, ok)
		}
	}
}

func TestAgentGroupsChunkShapes(t *testing.T) {
	cases := []struct {
		chunk AgentGroupsChunk
		want  string
	}{
		{AgentGroupsChunk{}, `[{"data":[]}]`},
		{AgentGroupsChunk{HashNull: true}, `[{"data":[],"hash":null}]`},
		{AgentGroupsChunk{Data: []AgentGroupsEntry{{ID: 7, Name: "web-01", Groups: []string{"default", "web"}}}, Hash: strings.Repeat("ab", 20), HasHash: true},
			`[{"data":[{"id":7,"name":"web-01","groups":["default","web"]}],"hash":"` + strings.Repeat("ab", 20) + `"}]`},
		{AgentGroupsChunk{Data: []AgentGroupsEntry{{ID: 3, Groups: []string{}}, {ID: 4}}}, `[{"data":[{"id":3,"groups":[]},{"id":4}]}]`},
		// cJSON keeps non-ASCII raw and escapes only quotes, backslashes and control characters.
		{AgentGroupsChunk{Data: []AgentGroupsEntry{{ID: 5, Name: "équipe-\"1\"\\\x01\t\x7f"}}}, `[{"data":[{"id":5,"name":"équipe-\"1\"\\\u0001\t` + "\x7f" + `"}]}]`},
	}
	for _, c := range cases {
		got := EncodeAgentGroupsChunk(c.chunk)
		if got != c.want {
			t.Errorf("encode %+v:\n got %s\nwant %s", c.chunk, got, c.want)
			continue
		}
		back, err := ParseAgentGroupsChunk(got)
		if err != nil {
			t.Fatalf("parse %s: %v", got, err)
		}
		if !reflect.DeepEqual(back, c.chunk) && !(len(back.Data) == 0 && len(c.chunk.Data) == 0) {
			t.Errorf("round trip %s:\n got %+v\nwant %+v", got, back, c.chunk)
		}
	}
}

func TestAgentGroupsSyncEscapesNonASCIILikePython(t *testing.T) {
	chunk := EncodeAgentGroupsChunk(AgentGroupsChunk{Data: []AgentGroupsEntry{{ID: 9, Name: "équipe-😀", Groups: []string{"default"}}}})
	if !strings.Contains(chunk, "équipe-😀") {
		t.Fatalf("wazuh-db text must keep UTF-8 raw: %s", chunk)
	}
	got := string(EncodeAgentGroupsSync(AgentGroupsSync{Mode: "override", SyncStatus: "synced", Chunks: []string{chunk}}))
	want := `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": ["[{\"data\":[{\"id\":9,\"name\":\"\u00e9quipe-\ud83d\ude00\",\"groups\":[\"default\"]}]}]"]}`
	if got != want {
		t.Errorf("encode:\n got %s\nwant %s", got, want)
	}
	back, err := ParseAgentGroupsSync([]byte(got))
	if err != nil || len(back.Chunks) != 1 || back.Chunks[0] != chunk {
		t.Fatalf("parse back: %+v, %v", back, err)
	}
	cmd := EncodeSetAgentGroupsCommand("override", "synced", []AgentGroupsEntry{{ID: 9, Name: "équipe-😀", Groups: []string{"default", "g1"}}, {ID: 10, Groups: []string{}}})
	wantCmd := `global set-agent-groups {"mode":"override","sync_status":"synced","data":[{"id":9,"name":"\u00e9quipe-\ud83d\ude00","groups":["default","g1"]},{"id":10,"groups":[]}]}`
	if cmd != wantCmd {
		t.Errorf("command:\n got %s\nwant %s", cmd, wantCmd)
	}
	if got := EncodeSetAgentGroupsCommand("override", "synced", nil); got != `global set-agent-groups {"mode":"override","sync_status":"synced","data":[]}` {
		t.Errorf("empty command = %s", got)
	}
}

func TestParseAgentGroupsSyncAcceptsAnySpacing(t *testing.T) {
	doc := "{\n \"chunks\" : [ \"[]\" ] ,\"payload\":{\"sync_status\":\"synced\",\"mode\":\"append\"},\"set_data_command\":\"global set-agent-groups\"}"
	s, err := ParseAgentGroupsSync([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != "append" || s.SyncStatus != "synced" || !reflect.DeepEqual(s.Chunks, []string{"[]"}) {
		t.Errorf("parsed %+v", s)
	}
	if got := EncodeAgentGroupsSync(AgentGroupsSync{Mode: "override", SyncStatus: "synced"}); !strings.HasSuffix(string(got), `"chunks": []}`) {
		t.Errorf("nil chunks encoded as %s", got)
	}
}

func TestParseAgentGroupsSyncRejects(t *testing.T) {
	bad := map[string]string{
		"not json":      `{`,
		"not an object": `[]`,
		"other command": `{"set_data_command": "global sync-agent-info-set", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": []}`,
		"no payload":    `{"set_data_command": "global set-agent-groups", "chunks": []}`,
		"no mode":       `{"set_data_command": "global set-agent-groups", "payload": {"sync_status": "synced"}, "chunks": []}`,
		"chunks object": `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": {}}`,
		"chunk number":  `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": [1]}`,
		"no chunks":     `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}}`,
	}
	for name, doc := range bad {
		if _, err := ParseAgentGroupsSync([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name != "not json" && name != "not an object" && !errors.Is(err, ErrAgentGroupsSync) {
			t.Errorf("%s: error %v does not wrap ErrAgentGroupsSync", name, err)
		}
	}
}

func TestParseAgentGroupsChunkRejects(t *testing.T) {
	bad := []string{
		`{"data":[]}`,
		`[1]`,
		`[{"data":{}}]`,
		`[{"data":[{"groups":["a"]}]}]`,
		`[{"data":[{"id":"1"}]}]`,
		`[{"data":[{"id":1.5}]}]`,
		`[{"data":[{"id":1,"groups":"a"}]}]`,
		`[{"data":[{"id":1,"name":3}]}]`,
		`[{"data":[],"hash":5}]`,
		`[{"data":[]}] x`,
	}
	for _, s := range bad {
		if _, err := ParseAgentGroupsChunk(s); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
	for _, s := range []string{`[]`, `[{"data":[]}]`, `[ { "hash" : "h" } ]`} {
		if _, err := ParseAgentGroupsChunk(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestLastChunkHash(t *testing.T) {
	cases := []struct {
		chunks []string
		hash   string
		ok     bool
	}{
		{nil, "", false},
		{[]string{`[{"data":[],"hash":"first"}]`, `[{"data":[{"id":1}]}]`}, "", false},
		{[]string{`[{"data":[{"id":1}]}]`, `[{"data":[],"hash":"last"}]`}, "last", true},
		{[]string{`[{"data":[],"hash":null}]`}, "", true},
		{[]string{`[{"data":[]}]`}, "", false},
		{[]string{`not json`}, "", false},
		{[]string{`[{"hash":"zero"},{"hash":"one"}]`}, "zero", true},
	}
	for _, c := range cases {
		h, ok := LastChunkHash(c.chunks)
		if h != c.hash || ok != c.ok {
			t.Errorf("%v: got %q, %v; want %q, %v", c.chunks, h, ok, c.hash, c.ok)
		}
	}
}
