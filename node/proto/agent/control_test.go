package agentproto

import (
	"errors"
	"testing"
)

func TestStartupMessage(t *testing.T) {
	f := loadVectors(t)
	if got := string(StartupMessage("v4.14.7")); got != f.vector(t, "01_").Plaintext {
		t.Fatalf("StartupMessage = %q, want %q", got, f.vector(t, "01_").Plaintext)
	}
}

func TestParseStartup(t *testing.T) {
	cases := []struct {
		msg     string
		version string
		hasJSON bool
		err     error
	}{
		{`#!-agent startup {"version":"v4.14.7"}`, "v4.14.7", true, nil},
		{`#!-agent startup {"version":"v4.9.0","x":1} trailing`, "v4.9.0", true, nil},
		{"#!-agent startup ", "", false, nil},
		{`#!-agent startup {"version":4}`, "", true, ErrNoVersion},
		{`#!-agent startup {}`, "", true, ErrNoVersion},
		{`#!-agent startup {bad`, "", true, ErrNoVersion},
		{"#!-agent startup \x00{\"version\":\"v1\"}", "", false, nil},
		{"#!-agent ack ", "", false, ErrNotStartup},
	}
	for _, tc := range cases {
		v, has, err := ParseStartup([]byte(tc.msg))
		if v != tc.version || has != tc.hasJSON || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("ParseStartup(%q) = %q %v %v, want %q %v %v", tc.msg, v, has, err, tc.version, tc.hasJSON, tc.err)
		}
	}
	v, has, err := ParseStartup(StartupMessage("v5.0.0 \"quoted\" <tag>"))
	if v != "v5.0.0 \"quoted\" <tag>" || !has || err != nil {
		t.Errorf("round trip: %q %v %v", v, has, err)
	}
}

func TestErrMessage(t *testing.T) {
	if got := string(ErrMessage(VersionTooHighText)); got != `#!-err {"message":"Agent version must be lower or equal to manager version"}` {
		t.Errorf("version refusal %q", got)
	}
	if got := string(ErrMessage(NoVersionText)); got != `#!-err {"message":"Couldn't retrieve version"}` {
		t.Errorf("no-version refusal %q", got)
	}
	if got := string(ErrMessage("a\"b\\c\n\x01<\xff")); got != `#!-err {"message":"a\"b\\c\n\u0001<`+"\uFFFD"+`"}` {
		t.Errorf("escaping %q", got)
	}
}

func TestIsAckAndControl(t *testing.T) {
	if !IsAck([]byte("#!-agent ack ")) || IsAck([]byte("#!-agent ack")) || IsAck([]byte("#!-agent ack  ")) {
		t.Error("IsAck must match exactly")
	}
	if !IsControl([]byte(ShutdownMessage)) || IsControl([]byte("1:x:y")) || IsControl([]byte(PingMessage)) {
		t.Error("IsControl")
	}
}
