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
