package messages

import (
	"reflect"
	"testing"
)

func FuzzParseAgentGroupsChunk(f *testing.F) {
	f.Add(`[{"data":[{"id":1,"groups":["default","group-a"]},{"id":2,"groups":["default"]}],"hash":"conformance-hash"}]`)
	f.Add(`[{"data":[{"id":7,"name":"é","groups":[]}],"hash":null}]`)
	f.Add(`[]`)
	f.Add(`[{"data":[]}]`)
	f.Add(`[{"data":[{"id":1e3}]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseAgentGroupsChunk(s)
		if err != nil {
			return
		}
		enc := EncodeAgentGroupsChunk(c)
		back, err := ParseAgentGroupsChunk(enc)
		if err != nil {
			t.Fatalf("re-encoded chunk %q does not parse: %v", enc, err)
		}
		if EncodeAgentGroupsChunk(back) != enc {
			t.Fatalf("encoding not stable: %q", enc)
		}
		_ = EncodeSetAgentGroupsCommand("override", "synced", c.Data)
		_, _ = LastChunkHash([]string{s})
	})
}

func FuzzParseAgentGroupsSync(f *testing.F) {
	f.Add([]byte(vectorAgentGroupsSync))
	f.Add([]byte(`{"set_data_command":"global set-agent-groups","payload":{"mode":"override","sync_status":"synced"},"chunks":[]}`))
	f.Add([]byte(`{"set_data_command": "global set-agent-groups", "payload": {}, "chunks": ["x"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseAgentGroupsSync(b)
		if err != nil {
			return
		}
		enc := EncodeAgentGroupsSync(s)
		back, err := ParseAgentGroupsSync(enc)
		if err != nil {
			t.Fatalf("re-encoded document %q does not parse: %v", enc, err)
		}
		if len(s.Chunks) == 0 {
			s.Chunks = []string{}
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip changed the document:\n got %+v\nwant %+v", back, s)
		}
	})
}
