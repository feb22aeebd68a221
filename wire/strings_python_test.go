package wire

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func TestPyExceptionReplyMatchesRealDispatchPayload(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vectorDir, "error_payloads.json"))
	if err != nil {
		t.Fatalf("reading error_payloads.json: %v", err)
	}
	var vectors map[string]struct {
		Payload string `json:"payload"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatalf("decoding error_payloads.json: %v", err)
	}
	want, ok := vectors["1000_unhandled_error_from_dispatch"]
	if !ok {
		t.Fatal("error_payloads.json has no 1000 vector")
	}
	command, payload := pyExceptionReply("boom")
	if command != "err" || string(payload) != want.Payload {
		t.Fatalf("pyExceptionReply(boom) = %q %s\nwant err %s", command, payload, want.Payload)
	}
}

func TestPyJSONStringEscapesLikeJSONDumps(t *testing.T) {
	cases := map[string]string{
		"plain":          `"plain"`,
		`quote " back \`: `"quote \" back \\"`,
		"<a>&b":          `"<a>&b"`,
		"tab\tnl\ncr\r":  `"tab\tnl\ncr\r"`,
		"\x00\x1f\x7f":   `"\u0000\u001f\u007f"`,
		"é€":             `"\u00e9\u20ac"`,
		"😀":              `"\ud83d\ude00"`,
		"\xff":           `"\ufffd"`,
	}
	for in, want := range cases {
		if got := pyJSONString(in); got != want {
			t.Errorf("pyJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPyBytesReprMatchesPython(t *testing.T) {
	cases := map[string]string{
		"foo":      `b'foo'`,
		"":         `b''`,
		"it's":     `b"it's"`,
		`'and"`:    `b'\'and"'`,
		"a\\b":     `b'a\\b'`,
		"\t\n\r":   `b'\t\n\r'`,
		"\x00\xff": `b'\x00\xff'`,
		"\x7f":     `b'\x7f'`,
	}
	for in, want := range cases {
		if got := messages.PyBytesRepr([]byte(in)); got != want {
			t.Errorf("PyBytesRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPyParseIntAcceptsWhatPythonIntAccepts(t *testing.T) {
	accepted := map[string]int64{
		"249": 249, " 12\n": 12, "+7": 7, "-5": -5, "1_000": 1000, "0": 0, "007": 7,
		"99999999999999999999999": 9223372036854775807,
	}
	for in, want := range accepted {
		if got, ok := pyParseInt(in); !ok || got != want {
			t.Errorf("pyParseInt(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " ", "abc", "1.5", "_1", "1_", "1__0", "0x10", "--1", "+", "1 2"} {
		if got, ok := pyParseInt(in); ok {
			t.Errorf("pyParseInt(%q) = %d, accepted; Python's int() raises", in, got)
		}
	}
}

func TestPyUnknownCommandReplyMatchesRecordedVector(t *testing.T) {
	vectors := loadDeterministicVectors(t)
	for _, c := range vectors.Cases {
		if c.Name != "unknown_command_response" {
			continue
		}
		want := mustDecodeHex(t, c.PlaintextHex)
		command, payload := pyUnknownCommandReply("foo")
		if command != c.CommandArg || string(payload) != string(want) {
			t.Fatalf("pyUnknownCommandReply(foo) = %q %q, want %q %q", command, payload, c.CommandArg, want)
		}
		return
	}
	t.Fatal("frames_deterministic.json has no unknown_command_response case")
}
