package messages

import (
	"bytes"
	"reflect"
	"testing"
)

// The chunks object the writer builds a batch at a time is the one the whole document carries,
// byte for byte, and it parses back to the same items.
func TestAgentInfoChunksWriterWritesTheDocumentsChunks(t *testing.T) {
	doc := EncodeAgentInfoSync(vectorAgentInfo)
	var w AgentInfoChunksWriter
	d, err := ScanAgentInfoSync(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Walk(&w); err != nil {
		t.Fatal(err)
	}
	body := w.AppendTo(nil)
	_, chunks, ok := bytes.Cut(doc, []byte(`"chunks": `))
	if !ok || !bytes.Equal(body, chunks[:len(chunks)-1]) {
		t.Fatalf("writer body\n%s\nwant the document's chunks\n%s", body, chunks)
	}
	if w.Items() != 3 || w.Size() < len(body)-64 {
		t.Fatalf("Items %d Size %d for a body of %d bytes", w.Items(), w.Size(), len(body))
	}
	got, err := ParseAgentInfoChunks(body)
	if err != nil || !reflect.DeepEqual(got, vectorAgentInfo) {
		t.Fatalf("ParseAgentInfoChunks = %+v, %v", got, err)
	}
	w.Reset()
	if b := w.AppendTo(nil); string(b) != "{}" || w.Items() != 0 {
		t.Fatalf("after Reset: %s, %d items", b, w.Items())
	}
}

// wazuh-db leaves out the lists it has nothing for: `{}` is nothing to do, and a list that is
// there is non-nil even when empty.
func TestParseAgentInfoChunksVariants(t *testing.T) {
	c, err := ParseAgentInfoChunks([]byte(" {} "))
	if err != nil || c.Syncreq != nil || c.Keepalive != nil || c.Status != nil || !c.Empty() {
		t.Fatalf("{} = %+v, %v", c, err)
	}
	c, err = ParseAgentInfoChunks([]byte(`{"syncreq_keepalive":[{"id":7,"version":"Wazuh v4.14.7"}],"syncreq":[]}`))
	if err != nil || c.Syncreq == nil || len(c.Syncreq) != 0 || len(c.Keepalive) != 1 || c.Keepalive[0].ID != 7 || c.Status != nil {
		t.Fatalf("compact body = %+v, %v", c, err)
	}
	for _, bad := range []string{``, `[]`, `{"syncreq": {}}`, `{"syncreq": [{"name": "no id"}]}`, `{} {}`, `{"syncreq": [`} {
		if _, err := ParseAgentInfoChunks([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
