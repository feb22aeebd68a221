package nodetest

import (
	"net"
	"testing"
)

// StartWorkerOf starts one worker, "worker1", whose master is whatever listens on masterAddr:
// a test's own listener playing a foreign or hostile master. Gossip is off, as under a Wazuh
// master. Nothing waits for the worker to connect; it is stopped when the test ends.
func StartWorkerOf(t testing.TB, masterAddr *net.TCPAddr, opts Options) *Member {
	t.Helper()
	opts.NoGossip = true
	c := &Cluster{t: t, opts: opts}
	m := c.newMember("worker1", nextIP(), []string{masterAddr.IP.String()}, masterAddr.Port, 0, false)
	t.Cleanup(func() {
		if err := m.Stop(); err != nil {
			t.Errorf("stop %s: %v", m.Name, err)
		}
	})
	if err := m.Start(); err != nil {
		t.Fatalf("start %s: %v", m.Name, err)
	}
	return m
}
