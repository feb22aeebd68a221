package gossip

import (
	"errors"
	"strings"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	in := Meta{Type: "master", Version: "4.14.7", Port: 1516}.withDefaults()
	raw, err := encodeMeta(in)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	const want = `{"type":"master","version":"4.14.7","port":1516,"state":"alive","impl":"clusterd"}`
	if string(raw) != want {
		t.Fatalf("encoded %s, want %s", raw, want)
	}
	out, err := DecodeMeta(raw)
	if err != nil || out != in {
		t.Fatalf("decoded %+v, %v; want %+v", out, err, in)
	}
}

func TestDecodeMetaIgnoresUnknownFields(t *testing.T) {
	got, err := DecodeMeta([]byte(`{"type":"worker","version":"4.15.0","port":1516,"state":"leaving","impl":"clusterd","zone":"b"}`))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.State != StateLeaving || got.Version != "4.15.0" {
		t.Fatalf("decoded %+v", got)
	}
}

func TestDecodeMetaRefusesBadInput(t *testing.T) {
	tests := map[string]struct {
		raw  string
		want error
	}{
		"empty":        {``, ErrBadMeta},
		"null":         {`null`, ErrBadMeta},
		"array":        {`[]`, ErrBadMeta},
		"no state":     {`{"type":"worker","port":1516}`, ErrBadMeta},
		"bad state":    {`{"state":"dead"}`, ErrBadMeta},
		"port":         {`{"state":"alive","port":65536}`, ErrBadMeta},
		"port type":    {`{"state":"alive","port":"1516"}`, ErrBadMeta},
		"trailing":     {`{"state":"alive"} x`, ErrBadMeta},
		"not utf8 key": {"{\"state\":\"alive\",\"\xff\":1}", nil},
		"oversized":    {`{"state":"alive","type":"` + strings.Repeat("w", MetaMaxSize) + `"}`, ErrMetaTooLarge},
	}
	for name, tt := range tests {
		_, err := DecodeMeta([]byte(tt.raw))
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", name, err, tt.want)
		}
	}
}

// FuzzDecodeMeta feeds peers' meta: whatever it is, decoding must not panic,
// and what it accepts must survive a re-encode.
func FuzzDecodeMeta(f *testing.F) {
	// Seeds use the node identities of the Wazuh hello vector
	// ("worker1 wazuh worker 4.14.7") and Wazuh's default cluster port.
	for _, m := range []Meta{
		{Type: "worker", Version: "4.14.7", Port: 1516},
		{Type: "master", Version: "4.14.7", Port: 1516, State: StateLeaving},
	} {
		raw, err := encodeMeta(m.withDefaults())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"state":"alive","port":-1}`))
	f.Add([]byte(`{"state":"alive","port":1e99}`))
	f.Add([]byte("\x80\x81"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeMeta(raw)
		if err != nil {
			return
		}
		if _, err := encodeMeta(m); err != nil && !errors.Is(err, ErrMetaTooLarge) {
			t.Fatalf("accepted meta %+v does not re-encode: %v", m, err)
		}
	})
}
