package authd

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRequestFields(t *testing.T) {
	req, err := ParseRequest([]byte("OSSEC A:'web-01.x_y' V:'v4.14.7' G:'default,web' IP:'10.1.0.0/16' K:'90310a2520385d21275512bcacc0333604cffba1'\nignored"))
	if err != nil {
		t.Fatal(err)
	}
	want := Request{Name: "web-01.x_y", Version: "v4.14.7", Groups: "default,web", HasGroups: true,
		IP: "10.1.0.0/16", KeyHash: "90310a2520385d21275512bcacc0333604cffba1", HasKeyHash: true}
	if req != want {
		t.Fatalf("got %+v\nwant %+v", req, want)
	}
}

func TestParseRequestQuirks(t *testing.T) {
	cases := []struct {
		line    string
		want    Request
		wantErr string
	}{
		{line: "OSSEC A:'ab' V:''", want: Request{Name: "ab"}},
		{line: "OSSEC A:'ab' V:x'", want: Request{Name: "ab"}},
		{line: "OSSEC A:'ab' V:xy'", wantErr: "ERROR: Unterminated version field"},
		{line: "OSSEC A:'ab' IP:'src'", want: Request{Name: "ab", IP: "src"}},
		{line: "OSSEC A:'ab' IP:'srcfoo'", want: Request{Name: "ab", IP: "src"}},
		{line: "OSSEC A:'ab' IP:'!10.0.0.1'", want: Request{Name: "ab", IP: "10.0.0.1"}},
		{line: "OSSEC A:'ab' IP:'::ffff:10.0.0.1'", want: Request{Name: "ab", IP: "10.0.0.1"}},
		{line: "OSSEC A:'ab' IP:'any'", want: Request{Name: "ab", IP: "any"}},
		{line: "OSSEC A:'ab' IP:'10.0.0.1 '", wantErr: "ERROR: Unterminated IP field"},
		{line: "OSSEC A:'ab' IP:'010.0.0.1'", wantErr: "ERROR: Invalid IP: 010.0.0.1"},
		{line: "OSSEC A:'ab' IP:'fe80::1%eth0'", wantErr: "ERROR: Invalid IP: fe80::1%eth0"},
		{line: "OSSEC A:'ab' K:''", want: Request{Name: "ab", HasKeyHash: true}},
		{line: "OSSEC A:'ab' K:'" + strings.Repeat("a", 41) + "'", wantErr: "ERROR: Unterminated key field"},
		{line: "OSSEC A:'ab' K:'x' G:'web'", want: Request{Name: "ab", KeyHash: "x", HasKeyHash: true}},
		{line: "OSSEC A:'ab\x00' G:'web'", wantErr: "ERROR: Invalid request for new agent"},
		{line: "OSSEC A:''", wantErr: "ERROR: Invalid agent name: "},
		{line: "OSSEC A:'" + strings.Repeat("n", 128) + "'", want: Request{Name: strings.Repeat("n", 128)}},
		{line: "OSSEC A:'bad name'", wantErr: "ERROR: Invalid agent name: bad name"},
		{line: "OSSEC A:'ab' G:','", wantErr: "ERROR: Invalid group name: ,... characters '\\/:*?\"<>|,' are prohibited"},
		{line: "OSSEC A:'ab' G:'a,,'", wantErr: "ERROR: Invalid group name: a,,... consecutive ',' are not allowed"},
		{line: "OSSEC A:'ab' G:'a,'", wantErr: "ERROR: Invalid group name: a,... cannot start or end with ','"},
		{line: "OSSEC A:'ab' G:'a:b'", want: Request{Name: "ab", Groups: "a:b", HasGroups: true}},
		{line: "OSSEC A:'ab' G:'a," + strings.Repeat("b", 256) + "'", wantErr: "ERROR: Invalid group name: " + strings.Repeat("b", 255) + "... group is too large"},
		{line: " OSSEC A:'ab'", wantErr: "ERROR: Invalid request for new agent"},
	}
	for _, c := range cases {
		got, err := ParseRequest([]byte(c.line))
		if c.wantErr != "" {
			var re *RequestError
			if !errors.As(err, &re) || re.Text != c.wantErr {
				t.Errorf("%q: error %v, want %q", c.line, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %+v, %v; want %+v", c.line, got, err, c.want)
		}
	}
}

func TestParseRequestWithPassword(t *testing.T) {
	cases := map[string]string{
		"OSSEC PASS: a b OSSEC A:'ab'":  "",
		"OSSEC PASS: a bOSSEC A:'ab'":   "ERROR: Invalid password",
		"OSSEC PASS: a b":               "ERROR: Invalid password",
		"OSSEC PASS: a b ":              "ERROR: Invalid request for new agent",
		"OSSEC PASS:  a b OSSEC A:'ab'": "ERROR: Invalid password",
	}
	for line, want := range cases {
		_, err := ParseRequestWithPassword([]byte(line), "a b")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", line, got, want)
		}
	}
}

func TestVersionTooNew(t *testing.T) {
	cases := map[string]bool{
		"v4.14.7": false, "v4.14.99": false, "v4.15.0": true, "v5.0.0": true, "v3.99.0": false,
		"4.15": true, "": false, "garbage": false, "v4..15": true, "xv4.15": true, "v4.14.7.1": false,
		"12345678v5": false, // only the first 9 characters count
	}
	for v, want := range cases {
		if got := versionTooNew("v4.14.7", v); got != want {
			t.Errorf("versionTooNew(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestNormalizeIP(t *testing.T) {
	cases := map[string]string{
		"10.0.0.1":             "10.0.0.1",
		"10.1.0.0/16":          "10.1.0.0/16",
		"10.1.0.0/255.255.0.0": "10.1.0.0/255.255.0.0",
		"10.1.0.0/33":          "",
		"10.1.0.0/08":          "",
		"2001:db8::5":          "2001:0DB8:0000:0000:0000:0000:0000:0005",
		"2001:db8::/32":        "2001:0DB8:0000:0000:0000:0000:0000:0000/32",
		"2001:db8::/129":       "",
		"::":                   "0000:0000:0000:0000:0000:0000:0000:0000",
		"::/64":                "",
		"::1":                  "0000:0000:0000:0000:0000:0000:0000:0001",
		"1:2:3:4:5:6:7:8":      "0001:0002:0003:0004:0005:0006:0007:0008",
		"1:2:3:4:5:6:7::8":     "",
		"1::2::3":              "",
		"::ffff:1.2.3.4":       "1.2.3.4",
		"::1.2.3.4":            "",
		"192.168.1.300":        "",
		"any":                  "any",
		"!any":                 "any",
		"":                     "",
		"1.2.3":                "",
		"1.2.3.4/":             "",
		"12345::1":             "",
	}
	for in, want := range cases {
		got, ok := NormalizeIP(in)
		if ok != (want != "") || got != want {
			t.Errorf("NormalizeIP(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestDedupGroupsQuirk(t *testing.T) {
	if got := dedupGroups("web,default,web"); got != "web,default" {
		t.Errorf("got %q", got)
	}
	many := strings.TrimSuffix(strings.Repeat("default,", 129), ",")
	if got := dedupGroups(many); got != "default,default,default" {
		t.Errorf("129 repeated groups: got %q", got)
	}
}
