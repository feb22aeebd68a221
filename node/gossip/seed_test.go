package gossip

import (
	"errors"
	"strings"
	"testing"
)

func TestSeedAddress(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:1517":         "127.0.0.1:1517/127.0.0.1:1517",
		"master/127.0.0.1:1517":  "master/127.0.0.1:1517",
		"[::1]:1517":             "[::1]:1517/[::1]:1517",
		"wazuh-master.lan:1517":  "wazuh-master.lan:1517/wazuh-master.lan:1517",
		"a/b/127.0.0.1:1517":     "", // the address part "b/127.0.0.1:1517" is not host:port
		"master/127.0.0.1:1517x": "",
	}
	for in, want := range tests {
		got, err := seedAddress(in)
		if want == "" {
			if !errors.Is(err, ErrBadSeedAddr) {
				t.Errorf("seedAddress(%q) = %q, %v; want ErrBadSeedAddr", in, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("seedAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzSeedAddress feeds configured seed addresses: an accepted one must be
// "name/host:port" with a non-empty name and host.
func FuzzSeedAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1:1517", "master/127.0.0.1:1517", "[::1]:1517", "/", ":", "a/:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		seed, err := seedAddress(addr)
		if err != nil {
			return
		}
		name, hostPort, ok := strings.Cut(seed, "/")
		if !ok || name == "" || hostPort == "" {
			t.Fatalf("seedAddress(%q) = %q", addr, seed)
		}
	})
}
