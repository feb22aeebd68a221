package agentproto

import "testing"

func TestSplitID(t *testing.T) {
	cases := []struct {
		in, id, rest string
		ok           bool
	}{
		{"!001!#AES:abc", "001", "#AES:abc", true},
		{"!12345!:x", "12345", ":x", true},
		{"!001!", "001", "", true},
		{"#AES:abc", "", "#AES:abc", false},
		{"!!#AES:", "", "!!#AES:", false},
		{"!0a1!x", "", "!0a1!x", false},
		{"!001", "", "!001", false},
		{"", "", "", false},
	}
	for _, tc := range cases {
		id, rest, ok := SplitID([]byte(tc.in))
		if id != tc.id || string(rest) != tc.rest || ok != tc.ok {
			t.Errorf("SplitID(%q) = %q %q %v", tc.in, id, rest, ok)
		}
	}
	if got := string(AppendID([]byte("x"), "007")); got != "x!007!" {
		t.Errorf("AppendID = %q", got)
	}
}

func TestNeedsIDPrefix(t *testing.T) {
	for ip, want := range map[string]bool{"any": true, "ANY": true, "10.0.0.0/8": true, "2001:db8::1": true, "10.0.2.15": false} {
		if got := NeedsIDPrefix(ip); got != want {
			t.Errorf("NeedsIDPrefix(%q) = %v", ip, got)
		}
	}
}
