package messages

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSyncResultOnCapturedPayloadsByteForByte(t *testing.T) {
	var payloads []string
	payloads = append(payloads, capturedPayloads(t, "live_capture_sample.jsonl", CmdSynWGE)...)
	payloads = append(payloads, capturedPayloads(t, "live_capture_sample.jsonl", CmdSynMAE)...)
	for _, p := range payloads {
		r, err := ParseSyncResult([]byte(p))
		if err != nil {
			t.Fatalf("ParseSyncResult(%s): %v", p, err)
		}
		if r.UpdatedChunks < 1 || r.TimeSpent <= 0 || r.ErrorMessages != nil {
			t.Errorf("parsed %#v", r)
		}
		if got := string(r.Encode()); got != p {
			t.Errorf("Encode:\n got %s\nwant %s", got, p)
		}
	}
}

func TestSyncResultErrorsAndDefaults(t *testing.T) {
	r := SyncResult{UpdatedChunks: 2, ErrorMessages: []string{"Timeout while processing agent-groups chunks."}, TimeSpent: 1.5}
	want := `{"updated_chunks": 2, "error_messages": ["Timeout while processing agent-groups chunks."], "time_spent": 1.5}`
	if got := string(r.Encode()); got != want {
		t.Errorf("Encode = %s", got)
	}
	odd, err := ParseSyncResult([]byte(`{"updated_chunks":0,"error_messages":[[1,"x"]],"time_spent":0}`))
	if err != nil || !reflect.DeepEqual(odd.ErrorMessages, []string{`[1, "x"]`}) {
		t.Errorf("non-string error message = %#v, %v", odd, err)
	}
	for _, bad := range []string{`{}`, `{"updated_chunks": "1"}`, `{"updated_chunks": 1, "error_messages": {}}`, `{"updated_chunks": 1, "time_spent": "x"}`, `[]`} {
		if _, err := ParseSyncResult([]byte(bad)); !errors.Is(err, ErrMalformedPayload) {
			t.Errorf("ParseSyncResult(%s) err = %v", bad, err)
		}
	}
}

func TestSyncStringOnCapturedPayloadsByteForByte(t *testing.T) {
	for _, p := range capturedPayloads(t, "live_capture_sample.jsonl", CmdStrUpd) {
		_, doc, ok := SplitFirst([]byte(p))
		if !ok {
			t.Fatalf("str_upd without id: %q", p)
		}
		s, err := ParseSyncString(doc)
		if err != nil {
			t.Fatalf("ParseSyncString: %v", err)
		}
		if s.SetDataCommand != SetAgentGroupsCommand && s.SetDataCommand != SyncAgentInfoSetCommand {
			t.Errorf("command %q", s.SetDataCommand)
		}
		if got := string(s.Encode()); got != string(doc) {
			t.Errorf("Encode:\n got %s\nwant %s", got, doc)
		}
	}
}

func TestSyncStringMatchesSendStringVectors(t *testing.T) {
	var docs []struct {
		Dir  string          `json:"dir"`
		JSON json.RawMessage `json:"json"`
	}
	readJSONVector(t, "send_string_payloads.json", &docs)
	for _, d := range docs {
		s, err := ParseSyncString(d.JSON)
		if err != nil {
			t.Fatalf("%s: %v", d.Dir, err)
		}
		var want, got any
		_ = json.Unmarshal(d.JSON, &want)
		if err := json.Unmarshal(s.Encode(), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: re-encoded document differs: %v", d.Dir, err)
		}
	}
}

func TestSyncStringBuiltForAgentGroups(t *testing.T) {
	s := SyncString{
		SetDataCommand: SetAgentGroupsCommand,
		Payload:        Object{{Key: "mode", Value: "override"}, {Key: "sync_status", Value: "synced"}},
		Chunks:         []string{`[{"data":[],"hash":"conformance-hash"}]`},
	}
	want := `{"set_data_command": "global set-agent-groups", "payload": {"mode": "override", "sync_status": "synced"}, "chunks": ["[{\"data\":[],\"hash\":\"conformance-hash\"}]"]}`
	if got := string(s.Encode()); got != want {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
	empty := SyncString{SetDataCommand: SyncAgentInfoSetCommand, Chunks: json.RawMessage(`{"syncreq":[{"id":1}]}`)}
	if got := string(empty.Encode()); !strings.Contains(got, `"payload": {}, "chunks": {"syncreq": [{"id": 1}]}`) {
		t.Errorf("Encode = %s", got)
	}
	if _, err := ParseSyncString([]byte(`{"set_data_command": "x", "payload": {}}`)); !errors.Is(err, ErrMalformedPayload) {
		t.Errorf("missing chunks err = %v", err)
	}
}
