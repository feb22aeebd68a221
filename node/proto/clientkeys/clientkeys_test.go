package clientkeys

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseClientKeysRules(t *testing.T) {
	in := "# comment\n" +
		" indented comment\n" +
		"\n" +
		"001 web01 any k1\r\n" +
		"002 !gone 10.0.0.2 k2\n" +
		"0003 #hashed any k3\n" +
		"004 db01 10.0.0.0/24 k4" // no final newline
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: 1, Name: "web01", IP: "any", Key: "k1"},
		{ID: 2, Name: "gone", IP: "10.0.0.2", Key: "k2", Removed: true},
		{ID: 3, Name: "hashed", IP: "any", Key: "k3", Removed: true},
		{ID: 4, Name: "db01", IP: "10.0.0.0/24", Key: "k4"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestParseClientKeysErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line string
	}{
		{"001 web01 any\n", "line 1"},
		{"# c\n001 web01 any k1 extra\n", "line 2"},
		{"abc web01 any k1\n", "line 1"},
		{"000 web01 any k1\n", "line 1"},
		{"123456789 web01 any k1\n", "line 1"},
		{"001 web01  k1\n", "line 1"},
		{"001 ! any k1\n", "line 1"},
		{"001 a\tb any k1\n", "line 1"},
		{"001 a any k1\n\n001 b any k2\n", "line 3"},
		{"001 web01 any " + strings.Repeat("k", maxKeysLine) + "\n", "line 1"},
	} {
		_, err := Parse(strings.NewReader(tc.in))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.line) {
			t.Errorf("Parse(%.40q) = %v, want ErrMalformed at %s", tc.in, err, tc.line)
		}
	}
	// A removed entry may share the id of an active one.
	if _, err := Parse(strings.NewReader("001 !old any k0\n001 new any k1\n")); err != nil {
		t.Errorf("removed + active same id: %v", err)
	}
}
