package manager

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"
)

// A worker chooses the sendsync message: whatever it is, the request is Python's text of it
// or one of Wazuh's errors, never a panic.
func FuzzDaemonRequest(f *testing.F) {
	for _, seed := range []string{`{"function":"add","arguments":{"name":"a"}}`, `"global sql SELECT 1"`, `[1]`, `null`,
		`-1e5`, `true`, `{"a":"\u00e9\ud800"}`, `"\ud800"`, ``, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, message []byte) {
		request, err := daemonRequest(message)
		if err != nil {
			return
		}
		if m := bytes.TrimSpace(message); len(m) > 0 && m[0] == '{' && !json.Valid(request) {
			t.Fatalf("an object became %q", request)
		}
	})
}

// A daemon's answer stream, whatever its bytes: the answer within its bound, or an error;
// never more than the bound held.
func FuzzDaemonAnswer(f *testing.F) {
	f.Add(append(binary.LittleEndian.AppendUint32(nil, 2), "ok"...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{1, 0})
	f.Add(append(binary.LittleEndian.AppendUint32(nil, 1), 0xc3))
	f.Fuzz(func(t *testing.T, stream []byte) {
		const limit = 64
		answer, err := readDaemonAnswer(bytes.NewReader(stream), limit)
		if err == nil && (len(answer) > limit || len(stream) < 4+len(answer)) {
			t.Fatalf("answer of %d bytes from a stream of %d", len(answer), len(stream))
		}
	})
}
