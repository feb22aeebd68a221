package agentproto

import (
	"errors"
	"testing"
)

func TestParseEventVectors(t *testing.T) {
	f := loadVectors(t)
	e, err := ParseEvent([]byte(f.vector(t, "09_").Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if e.Queue != '1' || e.Location != "/var/log/syslog" || e.Log != "Nov 21 10:00:00 vec-agent sshd[1234]: Accepted publickey for root from 10.0.2.2 port 50000 ssh2" {
		t.Fatalf("event 09 = %+v", e)
	}
	e, err = ParseEvent([]byte(f.vector(t, "10_").Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.ForAnalysis("001", "vec-agent", "any"), "1:[001] (vec-agent) any->wazuh-agent:ossec: Agent started: 'vec-agent->any'."; got != want {
		t.Fatalf("ForAnalysis = %q, want %q", got, want)
	}
}

func TestParseEvent(t *testing.T) {
	cases := []struct {
		msg  string
		want Event
		err  bool
	}{
		{"d:syscollector:{\"a\":1}", Event{Queue: 'd', Location: "syscollector", Log: "{\"a\":1}"}, false},
		{"1:C|:\\logs\\a.txt:line: with colon", Event{Queue: '1', Location: "C|:\\logs\\a.txt", Log: "line: with colon"}, false},
		{"1:a||:b", Event{Queue: '1', Location: "a||", Log: "b"}, false},
		{"1::", Event{Queue: '1'}, false},
		{"1:x:y\x00z", Event{Queue: '1', Location: "x", Log: "y"}, false},
		{"1:nolog", Event{}, true},
		{"1", Event{}, true},
		{"12:x:y", Event{}, true},
		{"", Event{}, true},
	}
	for _, tc := range cases {
		got, err := ParseEvent([]byte(tc.msg))
		if tc.err {
			if !errors.Is(err, ErrBadEvent) {
				t.Errorf("ParseEvent(%q) err = %v, want ErrBadEvent", tc.msg, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseEvent(%q) = %+v %v, want %+v", tc.msg, got, err, tc.want)
		}
	}
}

func TestForAnalysisEscapesSource(t *testing.T) {
	e := Event{Queue: '1', Location: "C|:\\a", Log: "x:y"}
	if got, want := e.ForAnalysis("002", "n|m", "fe80::1"), "1:[002] (n||m) fe80|:|:1->C|:\\a:x:y"; got != want {
		t.Fatalf("ForAnalysis = %q, want %q", got, want)
	}
}
