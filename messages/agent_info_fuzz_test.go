package messages

import (
	"bytes"
	"testing"
)

func FuzzParseAgentInfoSync(f *testing.F) {
	f.Add(EncodeAgentInfoSync(vectorAgentInfo))
	f.Add([]byte(`{"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {}}`))
	f.Add([]byte(`{"chunks": {"syncreq_keepalive": [1, {"id": 2, "version": "v"}], "syncreq_status": [{"id": 3, "status_code": 4}]}}`))
	f.Add([]byte(`{"chunks": {"syncreq": [{"id": 1, "name": " ", "labels": [{"key": "\u00e9", "value": null}]}]}}`))
	f.Fuzz(func(t *testing.T, p []byte) {
		c, err := ParseAgentInfoSync(p)
		if err != nil {
			return
		}
		// What the encoder writes must parse back to a document that encodes the same.
		enc := EncodeAgentInfoSync(c)
		c2, err := ParseAgentInfoSync(enc)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", enc, err)
		}
		if enc2 := EncodeAgentInfoSync(c2); !bytes.Equal(enc, enc2) {
			t.Fatalf("unstable encoding:\n%s\n%s", enc, enc2)
		}
		if c.Empty() != c2.Empty() {
			t.Fatalf("Empty changed across a round trip: %v %v", c.Empty(), c2.Empty())
		}
	})
}

func FuzzParseAgentInfoChunks(f *testing.F) {
	var w AgentInfoChunksWriter
	_ = w.Syncreq(vectorAgentInfo.Syncreq)
	_ = w.Keepalive(vectorAgentInfo.Keepalive)
	_ = w.Status(vectorAgentInfo.Status)
	f.Add(w.AppendTo(nil))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"syncreq_keepalive":[1,{"id":2}],"syncreq_status":[{"id":3,"status_code":4}]}`))
	f.Fuzz(func(t *testing.T, p []byte) {
		c, err := ParseAgentInfoChunks(p)
		if err != nil {
			return
		}
		// What the writer builds from it must parse back to the same items.
		var w AgentInfoChunksWriter
		_ = w.Syncreq(c.Syncreq)
		_ = w.Keepalive(c.Keepalive)
		_ = w.Status(c.Status)
		body := w.AppendTo(nil)
		c2, err := ParseAgentInfoChunks(body)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", body, err)
		}
		if c.Empty() != c2.Empty() || len(c.Syncreq) != len(c2.Syncreq) || len(c.Keepalive) != len(c2.Keepalive) || len(c.Status) != len(c2.Status) {
			t.Fatalf("items changed across a round trip:\n%+v\n%+v", c, c2)
		}
	})
}
