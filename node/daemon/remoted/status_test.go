package remoted

import "testing"

// A newer control message replaces an unprocessed one of the same agent; a
// keepalive replacing a startup stays the first keepalive after it.
func TestStatusQueueReplaces(t *testing.T) {
	q := newStatusQueue()
	a, b := &agent{}, &agent{}
	q.push(a, controlItem{kind: ctlStartup})
	q.push(b, controlItem{kind: ctlKeepalive, msg: []byte("b1")})
	q.push(a, controlItem{kind: ctlKeepalive, msg: []byte("a1")})
	q.push(b, controlItem{kind: ctlKeepalive, msg: []byte("b2")})

	got, it, ok := q.pop()
	if !ok || got != a || it.kind != ctlKeepalive || string(it.msg) != "a1" || !it.afterStartup {
		t.Fatalf("first pop %p %+v, want agent a's keepalive after startup", got, it)
	}
	got, it, ok = q.pop()
	if !ok || got != b || string(it.msg) != "b2" || it.afterStartup {
		t.Fatalf("second pop %p %+v, want agent b's newest keepalive", got, it)
	}
	if _, _, ok := q.pop(); ok {
		t.Fatal("queue not empty")
	}
}

func TestVersionAllowed(t *testing.T) {
	cases := []struct {
		agent, manager string
		higher, want   bool
	}{
		{"v4.14.7", "v4.14.7", false, true},
		{"v4.14.99", "v4.14.7", false, true},
		{"v4.15.0", "v4.14.7", false, false},
		{"v5.0.0", "v4.14.7", false, false},
		{"v3.99.0", "v4.14.7", false, true},
		{"v5.0.0", "v4.14.7", true, true},
		{"garbage", "v4.14.7", false, true},
	}
	for _, c := range cases {
		if got := versionAllowed(c.agent, c.manager, c.higher); got != c.want {
			t.Errorf("versionAllowed(%q, %q, %v) = %v, want %v", c.agent, c.manager, c.higher, got, c.want)
		}
	}
}
