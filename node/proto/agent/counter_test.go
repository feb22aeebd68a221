package agentproto

import (
	"errors"
	"testing"
)

func TestCounterRollover(t *testing.T) {
	c := NewCounter(120, 9996)
	for _, want := range [][2]uint32{{120, 9997}, {121, 1}, {121, 2}} {
		if g, l := c.Next(); g != want[0] || l != want[1] {
			t.Fatalf("Next = %d:%d, want %d:%d", g, l, want[0], want[1])
		}
	}
	// Counters loaded above the limit (older senders) roll over at once.
	if g, l := NewCounter(3, 12000).Next(); g != 4 || l != 1 {
		t.Fatalf("Next from 3:12000 = %d:%d", g, l)
	}
	// A fresh sender starts at 0:1 (vector 19).
	if g, l := NewCounter(0, 0).Next(); g != 0 || l != 1 {
		t.Fatalf("fresh Next = %d:%d", g, l)
	}
}

func TestCounterFile(t *testing.T) {
	if got := string(FormatCounterFile(7, 41)); got != "7:41:" {
		t.Fatalf("FormatCounterFile = %q", got)
	}
	for in, want := range map[string][2]uint32{"7:41:": {7, 41}, "120:9997:\n": {120, 9997}, "0:0:": {0, 0}, "4294967295:1:": {4294967295, 1}} {
		g, l, err := ParseCounterFile([]byte(in))
		if err != nil || g != want[0] || l != want[1] {
			t.Errorf("ParseCounterFile(%q) = %d:%d %v", in, g, l, err)
		}
	}
	for _, in := range []string{"", "7", "7:41", "a:1:", "1:b:", "-1:1:", "4294967296:1:"} {
		if _, _, err := ParseCounterFile([]byte(in)); !errors.Is(err, ErrBadCounter) {
			t.Errorf("ParseCounterFile(%q) err = %v", in, err)
		}
	}
}
