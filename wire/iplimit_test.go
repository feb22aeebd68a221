package wire

import "testing"

func TestIPLimiterRefusesTheEleventhConnection(t *testing.T) {
	l := NewIPLimiter(0)
	var releases []func()
	for i := 1; i <= MaxConnectionsPerIP; i++ {
		release, n, ok := l.Acquire("10.0.0.1")
		if !ok || n != i {
			t.Fatalf("connection %d: n=%d ok=%v", i, n, ok)
		}
		releases = append(releases, release)
	}
	release, n, ok := l.Acquire("10.0.0.1")
	if ok || n != MaxConnectionsPerIP+1 {
		t.Fatalf("11th connection: n=%d ok=%v, want refusal with n=11", n, ok)
	}
	release() // a refused connection's release is a no-op.
	if l.Active("10.0.0.1") != MaxConnectionsPerIP {
		t.Fatalf("active %d after a refused release", l.Active("10.0.0.1"))
	}
	if _, _, ok := l.Acquire("10.0.0.2"); !ok {
		t.Fatal("another IP was refused")
	}
	releases[0]()
	releases[0]() // idempotent
	if l.Active("10.0.0.1") != MaxConnectionsPerIP-1 {
		t.Fatalf("active %d after one release", l.Active("10.0.0.1"))
	}
	if _, n, ok := l.Acquire("10.0.0.1"); !ok || n != MaxConnectionsPerIP {
		t.Fatalf("after a release: n=%d ok=%v", n, ok)
	}
	for _, r := range releases {
		r()
	}
	if l.Active("10.0.0.1") != 1 {
		t.Fatalf("active %d, want 1", l.Active("10.0.0.1"))
	}
}
