package gossip

import (
	"errors"
	"strings"
	"testing"
)

func TestAloneMemberJoinsNobody(t *testing.T) {
	verifyNoLeaks(t)
	m := startMember(t, testConfig(t, "master", FastTimers()))

	joined, err := m.Join(nil)
	if joined != 0 || err != nil {
		t.Fatalf("Join(nil) = %d, %v; want 0, nil", joined, err)
	}
	members := m.Members()
	if len(members) != 1 || members[0].Name != "master" || !members[0].Alive || members[0].Addr != m.LocalAddr() {
		t.Fatalf("members %+v, want only master alive at %s", members, m.LocalAddr())
	}
	host, port := splitPort(t, m.LocalAddr())
	if host != m.cfg.BindAddr || port == 0 {
		t.Fatalf("LocalAddr %s, want %s with the bound port", m.LocalAddr(), m.cfg.BindAddr)
	}
}

func TestJoinUnreachableSeedFails(t *testing.T) {
	verifyNoLeaks(t)
	m := startMember(t, testConfig(t, "worker", FastTimers()))
	// A stopped member's port is closed: nothing answers there.
	gone := startMember(t, testConfig(t, "gone", FastTimers()))
	addr := gone.LocalAddr()
	if err := gone.Shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	joined, err := m.Join([]string{addr})
	if joined != 0 || !errors.Is(err, ErrJoinFailed) {
		t.Fatalf("Join(%s) = %d, %v; want 0, ErrJoinFailed", addr, joined, err)
	}
}

func TestJoinRefusesBadSeed(t *testing.T) {
	verifyNoLeaks(t)
	m := startMember(t, testConfig(t, "worker", FastTimers()))
	for _, seed := range []string{"", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":7946", "/127.0.0.1:7946", "x/y"} {
		if _, err := m.Join([]string{seed}); !errors.Is(err, ErrBadSeedAddr) {
			t.Errorf("Join(%q) err %v, want ErrBadSeedAddr", seed, err)
		}
	}
}

func TestLeaveAndShutdownAreIdempotent(t *testing.T) {
	verifyNoLeaks(t)
	members := startCluster(t, 2, FastTimers())
	m := members[1]

	if err := m.Leave(settleTimeout); err != nil {
		t.Fatalf("first leave: %v", err)
	}
	if err := m.Leave(settleTimeout); err != nil {
		t.Fatalf("second leave: %v", err)
	}
	if err := m.Shutdown(); err != nil {
		t.Fatalf("shutdown after leave: %v", err)
	}
	if _, err := m.Join([]string{members[0].LocalAddr()}); !errors.Is(err, ErrShutdown) {
		t.Fatalf("join after leave: %v, want ErrShutdown", err)
	}
	if err := members[0].Shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := members[0].Leave(settleTimeout); err != nil {
		t.Fatalf("leave after shutdown: %v", err)
	}
}

func TestNoEventAfterShutdown(t *testing.T) {
	verifyNoLeaks(t)
	members := startCluster(t, 3, FastTimers())
	observer := members[0]
	if err := observer.Shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	seen := len(observer.rec.all())
	// The survivors keep gossiping; a leave of node2 is what the stopped
	// observer would have reported had it still been listening.
	if err := members[2].Leave(settleTimeout); err != nil {
		t.Fatalf("leave: %v", err)
	}
	members[1].rec.waitFor(t, "leave of node2", settleTimeout, isEvent(EventLeave, "node2"))
	if got := observer.rec.all(); len(got) != seen {
		t.Fatalf("events after shutdown: %v", got[seen:])
	}
}

func TestWildcardBindWithAdvertiseAddr(t *testing.T) {
	verifyNoLeaks(t)
	cfg := testConfig(t, "wild", FastTimers())
	advertise := cfg.BindAddr
	cfg.BindAddr, cfg.AdvertiseAddr = "0.0.0.0", advertise
	m := startMember(t, cfg)
	if host, _ := splitPort(t, m.LocalAddr()); host != advertise {
		t.Fatalf("LocalAddr %s, want host %s", m.LocalAddr(), advertise)
	}
	peer := startMember(t, testConfig(t, "peer", FastTimers()))
	if _, err := peer.Join([]string{m.LocalAddr()}); err != nil {
		t.Fatalf("join through advertised address: %v", err)
	}
	waitAliveCount(t, m, 2, settleTimeout)
}

func TestStartRefusesBadConfig(t *testing.T) {
	verifyNoLeaks(t)
	valid := testConfig(t, "node", FastTimers())
	tests := []struct {
		name   string
		change func(*Config)
		want   error
	}{
		{"no node name", func(c *Config) { c.NodeName = "" }, ErrNodeNameRequired},
		{"no cluster name", func(c *Config) { c.ClusterName = "" }, ErrClusterNameRequired},
		{"long cluster name", func(c *Config) { c.ClusterName = strings.Repeat("c", 256) }, ErrClusterNameTooLong},
		{"no cluster key", func(c *Config) { c.ClusterKey = "" }, ErrClusterKeyRequired},
		{"empty bind", func(c *Config) { c.BindAddr = "" }, ErrBadBindAddr},
		{"hostname bind", func(c *Config) { c.BindAddr = "localhost" }, ErrBadBindAddr},
		{"wildcard v4 bind", func(c *Config) { c.BindAddr = "0.0.0.0" }, ErrAdvertiseAddrRequired},
		{"wildcard v6 bind", func(c *Config) { c.BindAddr = "::" }, ErrAdvertiseAddrRequired},
		{"wildcard advertise", func(c *Config) { c.AdvertiseAddr = "0.0.0.0" }, ErrBadAdvertiseAddr},
		{"hostname advertise", func(c *Config) { c.AdvertiseAddr = "master.local" }, ErrBadAdvertiseAddr},
		{"bind port", func(c *Config) { c.BindPort = 65536 }, ErrBadPort},
		{"advertise port", func(c *Config) { c.AdvertisePort = -1 }, ErrBadPort},
		{"probe timeout", func(c *Config) { c.Timers.ProbeTimeout = c.Timers.ProbeInterval }, ErrBadTimers},
		{"zero reclaim", func(c *Config) { c.Timers.DeadNodeReclaim = 0 }, ErrBadTimers},
		{"suspicion", func(c *Config) { c.Timers.SuspicionMult = 0 }, ErrBadTimers},
		{"meta state", func(c *Config) { c.Meta.State = "dead" }, ErrBadMeta},
		{"meta port", func(c *Config) { c.Meta.Port = 70000 }, ErrBadMeta},
		{"meta too large", func(c *Config) { c.Meta.Version = strings.Repeat("v", MetaMaxSize) }, ErrMetaTooLarge},
		{"meta too large to leave", func(c *Config) { c.Meta.Version = versionFilling(t, c.Meta, MetaMaxSize) }, ErrMetaTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			g, err := Start(cfg, nil)
			if !errors.Is(err, tt.want) {
				if g != nil {
					_ = g.Shutdown()
				}
				t.Fatalf("Start err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStartFailsOnPortInUse(t *testing.T) {
	verifyNoLeaks(t)
	first := startMember(t, testConfig(t, "first", FastTimers()))
	cfg := testConfig(t, "second", FastTimers())
	cfg.BindAddr, cfg.BindPort = splitPort(t, first.LocalAddr())
	if g, err := Start(cfg, nil); err == nil {
		_ = g.Shutdown()
		t.Fatal("second member bound the same address")
	}
}

func TestZeroTimersMeanDefaults(t *testing.T) {
	cfg := Config{}
	if cfg.timers() != DefaultTimers() {
		t.Fatalf("zero timers = %+v, want defaults", cfg.timers())
	}
	for name, timers := range map[string]Timers{"default": DefaultTimers(), "fast": FastTimers()} {
		if err := timers.validate(); err != nil {
			t.Errorf("%s timers invalid: %v", name, err)
		}
	}
}

// versionFilling returns a Version that makes m, in StateAlive, encode to
// exactly size bytes.
func versionFilling(t *testing.T, m Meta, size int) string {
	t.Helper()
	m = m.withDefaults()
	m.Version = ""
	raw, err := encodeMeta(m)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Repeat("v", size-len(raw))
}
