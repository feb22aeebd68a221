package dapi

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds are the captured requests and answers, and a few broken ones.
func fuzzSeeds(f *testing.F) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join(vectorsDir, "master-*.json"))
	for _, name := range files {
		label := filepath.Base(name)
		c := loadCapture(f, label[len("master-"):len(label)-len(".json")])
		for _, e := range c.Exchanges {
			f.Add([]byte(e.Payload))
		}
		f.Add([]byte(c.Response))
	}
	for _, s := range []string{`{"f": `, `[1]`, `{"f": {"__callable__": {"__name__": "x", "__module__": "wazuh.agent.x", "__qualname__": "x"}}}`,
		syscollectorAnswer, daemonsAnswer, integrityAnswer} {
		f.Add([]byte(s))
	}
	if raw, err := os.ReadFile(filepath.Join(vectorsDir, "rbac_policies_admin.json")); err == nil {
		f.Add(raw)
	}
}

// A request is decoded or refused with a text, never a panic; what decodes encodes to a text
// that decodes to the same request.
func FuzzDecodeRequest(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, p []byte) {
		req, err := DecodeRequest(p)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || re.Text == "" {
				t.Fatalf("%q: refusal %#v has no text", p, err)
			}
			return
		}
		enc := req.Encode()
		again, err := DecodeRequest(enc)
		if err != nil {
			t.Fatalf("%q encoded as %s, which does not decode: %v", p, enc, err)
		}
		if string(again.Encode()) != string(enc) {
			t.Fatalf("%q: encoding is not stable:\n%s\n%s", p, enc, again.Encode())
		}
	})
}

// An answer is decoded or refused with a Wazuh exception; what decodes encodes stably.
func FuzzDecodeResult(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, p []byte) {
		r, err := DecodeResult(p)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty error", p)
			}
			return
		}
		enc := EncodeResult(r)
		again, err := DecodeResult(enc)
		if err != nil {
			t.Fatalf("%q encoded as %s, which does not decode: %v", p, enc, err)
		}
		if string(EncodeResult(again)) != string(enc) {
			t.Fatalf("%q: encoding is not stable:\n%s\n%s", p, enc, EncodeResult(again))
		}
	})
}
