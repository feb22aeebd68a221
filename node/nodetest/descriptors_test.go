package nodetest_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// openIdle opens n TCP connections to addr that never send anything.
func openIdle(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		conns = append(conns, c)
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	return conns
}

// closedByPeer counts the connections the other side has closed (a read ends at once).
func closedByPeer(conns []net.Conn) int {
	n := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil {
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				n++
			}
		}
	}
	return n
}

// Idle connections to the agent and enrollment ports cannot take the descriptors the node
// needs: with the bounds derived from a lowered limit, the excess of agent connections is
// closed at once, an enrollment still goes through, cluster_control still answers, a connected
// agent keeps reporting, and the idle connections are closed after the identification bound.
func TestIdleConnectionsLeaveTheNodeWorking(t *testing.T) {
	const identify = 2 * time.Second
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Clusterd.DescriptorLimit = 400 // agents 175, enrollment 25, reserve 200
		in.Clusterd.AgentIdentifyTimeout = identify
		in.Clusterd.EnrollHandshakeTimeout = identify
	}})
	m := c.Master()
	m.WaitLogLine(t, time.Second, "Descriptor limit: 400 (clusterd.descriptor_limit). Agent connections at most 175, enrollment connections 25; 200 kept")
	sim := simFor(t, 1, "fd", m, m)
	if err := sim.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer sim.Stop()
	masterSees(t, c, "fd", 1, "active", "master")
	srv := m.Node().Remoted()

	agentIdle := openIdle(t, m.Node().AgentAddr().String(), 400)
	enrollIdle := openIdle(t, m.Node().EnrollAddr().String(), 100)
	nodetest.Eventually(t, 10*time.Second, func() error {
		if st := srv.Stats(); st.Connections != 175 || st.ConnectionsRefused < 400-174 {
			return fmt.Errorf("%d agent connections open, %d refused; want 175 and %d", st.Connections, st.ConnectionsRefused, 400-174)
		}
		return nil
	})
	// While the idle connections are held, the node works.
	if out := clusterControl(t, m, "-l"); !strings.Contains(out, "worker1") {
		t.Fatalf("cluster_control -l while flooded:\n%s", out)
	}
	enroll(t, m, "OSSEC A:'during-flood' V:'v4.14.7'")
	keepalives := srv.Stats().Keepalives
	nodetest.Eventually(t, 10*time.Second, func() error {
		if got := srv.Stats().Keepalives; got < keepalives+2 {
			return fmt.Errorf("%d keepalives since the flood, want 2", got-keepalives)
		}
		return nil
	})
	m.WaitLogLine(t, time.Second, "WARNING:", "Too many agent connections (175 open)")

	// After the bound, every idle connection is closed: the agent's is the only one left.
	nodetest.Eventually(t, identify+10*time.Second, func() error {
		st := srv.Stats()
		if st.Connections != 1 || st.IdleClosed < 174 {
			return fmt.Errorf("%d agent connections open, %d closed unidentified", st.Connections, st.IdleClosed)
		}
		if n := closedByPeer(agentIdle); n != len(agentIdle) {
			return fmt.Errorf("%d of %d idle agent connections closed", n, len(agentIdle))
		}
		if n := closedByPeer(enrollIdle); n != len(enrollIdle) {
			return fmt.Errorf("%d of %d idle enrollment connections closed", n, len(enrollIdle))
		}
		return nil
	})
}
