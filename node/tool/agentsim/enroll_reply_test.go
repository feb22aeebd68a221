package agentsim

import (
	"errors"
	"strings"
	"testing"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

func TestEnrollRequestLine(t *testing.T) {
	if got, want := string(enrollRequest("web01", "v4.14.7", "")), "OSSEC A:'web01' V:'v4.14.7'\n"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	if got, want := string(enrollRequest("web01", "v4.14.7", "web,default")), "OSSEC A:'web01' V:'v4.14.7' G:'web,default'\n"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

func TestParseEnrollReply(t *testing.T) {
	key := strings.Repeat("ab", 32)
	got, err := parseEnrollReply([]byte("OSSEC K:'007 web01 any " + key + "'"))
	if err != nil || got != (agentproto.Key{ID: "007", Name: "web01", IP: "any", Raw: key}) {
		t.Fatalf("got %+v, %v", got, err)
	}
	if got, err := parseEnrollReply([]byte("OSSEC K:'1000 web01 10.1.0.0/16 " + key + "'\n")); err != nil || got.IP != "10.1.0.0/16" {
		t.Fatalf("network ip: %+v, %v", got, err)
	}

	const refusal = "ERROR: Invalid agent name: x. Unable to add agent"
	_, err = parseEnrollReply([]byte(refusal))
	var refused *EnrollError
	if !errors.As(err, &refused) || refused.Error() != refusal {
		t.Fatalf("refusal: %v", err)
	}

	for _, bad := range []string{
		"",
		"OSSEC K:'007 web01 any " + key, // unterminated
		"OSSEC K:'007 web01 " + key + "'",
		"OSSEC K:'123456789 web01 any " + key + "'",
		"OSSEC K:'00a web01 any " + key + "'",
		"OSSEC K:'007 .web01 any " + key + "'",
		"OSSEC K:'007 web01 999.1.1.1 " + key + "'",
		"OSSEC K:'007 web01 any k'",
		"hello",
	} {
		if _, err := parseEnrollReply([]byte(bad)); !errors.Is(err, ErrBadEnrollReply) {
			t.Errorf("%q: error %v, want ErrBadEnrollReply", bad, err)
		}
	}
}

func TestParseClientKeys(t *testing.T) {
	key := strings.Repeat("0f", 32)
	text := "# comment\n" +
		"001 web01 any " + key + "\n" +
		"002 !removed any " + key + "\n" +
		" 003 indented any " + key + "\n" +
		"\n" +
		"004 db01 10.0.0.4 " + key + "\r\n"
	keys, err := ParseClientKeys(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Name != "web01" || keys[1] != (agentproto.Key{ID: "004", Name: "db01", IP: "10.0.0.4", Raw: key}) {
		t.Fatalf("keys %+v", keys)
	}
	for _, bad := range []string{"001 web01 any\n", "001 web01 any " + key + " extra\n", "x01 web01 any " + key + "\n"} {
		if _, err := ParseClientKeys(strings.NewReader(bad)); !errors.Is(err, ErrBadClientKeys) {
			t.Errorf("%q: error %v, want ErrBadClientKeys", bad, err)
		}
	}
}
