package messages

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHelloOnCapturedPayloads(t *testing.T) {
	for _, file := range []string{"live_capture_sample.jsonl", "live_hello_rejections.jsonl"} {
		for _, p := range capturedPayloads(t, file, CmdHello) {
			h, err := ParseHello([]byte(p))
			if err != nil {
				t.Fatalf("ParseHello(%q): %v", p, err)
			}
			if string(h.Encode()) != p {
				t.Errorf("Encode() = %q, want %q", h.Encode(), p)
			}
		}
	}
	h, _ := ParseHello([]byte("worker1 wazuh worker 4.14.7"))
	if h != (Hello{Name: "worker1", Cluster: "wazuh", NodeType: "worker", Version: "4.14.7"}) {
		t.Errorf("fields = %#v", h)
	}
}

func TestParseHelloErrorsAreWazuhInternalError1000(t *testing.T) {
	cases := map[string]string{
		"":                           "Error 1000 - Wazuh Internal Error: not enough values to unpack (expected 4, got 1)",
		"worker1":                    "Error 1000 - Wazuh Internal Error: not enough values to unpack (expected 4, got 1)",
		"worker1 wazuh worker":       "Error 1000 - Wazuh Internal Error: not enough values to unpack (expected 4, got 3)",
		"worker1 wazuh worker 4 x":   "Error 1000 - Wazuh Internal Error: too many values to unpack (expected 4)",
		"worker1  wazuh worker 4.14": "Error 1000 - Wazuh Internal Error: too many values to unpack (expected 4)",
	}
	for in, want := range cases {
		_, err := ParseHello([]byte(in))
		var we *WazuhError
		if !errors.As(err, &we) || we.Class != ClassWazuhInternalError || we.Code != 1000 || we.Error() != want {
			t.Errorf("ParseHello(%q) err = %v, want %s", in, err, want)
		}
	}
	// Double spaces make empty fields, as Python's split(b' ') does.
	h, err := ParseHello([]byte("a  b c"))
	if err != nil || h.Cluster != "" || h.NodeType != "b" {
		t.Errorf("ParseHello with empty field = %#v, %v", h, err)
	}
}

func TestValidNodeName(t *testing.T) {
	valid := []string{"worker1", "master-node", "W_2", "a", strings.Repeat("n", MaxNodeNameLen)}
	invalid := []string{"", "../../etc", "test/node", `test\node`, ".", "..", "bad.name", "bad name!", "n\n", "ñ",
		strings.Repeat("n", MaxNodeNameLen+1), strings.Repeat("a", 100_000)}
	for _, n := range valid {
		if !ValidNodeName(n) {
			t.Errorf("ValidNodeName(%q) = false", n)
		}
	}
	for _, n := range invalid {
		if ValidNodeName(n) {
			t.Errorf("ValidNodeName(%.40q) = true", n)
		}
	}
}
