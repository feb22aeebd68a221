package remoted

import (
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// Beyond MaxConnections a connection is closed at once and counted; a slot freed is taken again
// by a real agent.
func TestMaxConnectionsClosesTheExcess(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	cfg := testConfig(t, home)
	cfg.MaxConnections = 3
	s := startServer(t, cfg, newFakeStore(), nil)
	var idle []*testAgent
	for range 3 {
		idle = append(idle, newTestAgent(t, "000", "idle", "any", key2).dialTCP(s.TCPAddr()))
	}
	poll.Until(t, waitTimeout, "three connections", func() bool { return s.Stats().Connections == 3 })
	for range 2 {
		newTestAgent(t, "000", "extra", "any", key2).dialTCP(s.TCPAddr()).expectClosed()
	}
	if st := s.Stats(); st.ConnectionsRefused != 2 || st.Connections != 3 {
		t.Fatalf("refused %d, open %d; want 2 and 3", st.ConnectionsRefused, st.Connections)
	}
	idle[0].conn.Close()
	poll.Until(t, waitTimeout, "a slot freed", func() bool { return s.Stats().Connections == 2 })
	newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr()).handshake()
}

// A connection on which no known agent speaks within IdentifyTimeout is closed, even one that
// trickles bytes or pings; a connection an agent identified itself on stays open after that.
func TestUnidentifiedConnectionsAreClosed(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	cfg := testConfig(t, home)
	cfg.IdentifyTimeout = 300 * time.Millisecond
	s := startServer(t, cfg, newFakeStore(), nil)

	agent := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	agent.handshake()
	start := time.Now() // before the server accepts: its bound runs from the accept
	silent := newTestAgent(t, "000", "silent", "any", key2).dialTCP(s.TCPAddr())
	pinging := newTestAgent(t, "000", "pinging", "any", key2).dialTCP(s.TCPAddr())
	pinged := make(chan struct{})
	go func() {
		defer close(pinged)
		// A ping is answered but identifies nobody.
		for range 10 {
			if pinging.sendRaw([]byte(agentproto.PingMessage)) != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	silent.expectClosed()
	if took := time.Since(start); took < cfg.IdentifyTimeout {
		t.Fatalf("closed after %s, before the %s bound", took, cfg.IdentifyTimeout)
	}
	poll.Until(t, waitTimeout, "both unidentified connections closed", func() bool { return s.Stats().IdleClosed == 2 })
	<-pinged
	// The identified agent is still served, well past the bound.
	agent.keepalive("x")
	if st := s.Stats(); st.Connections != 1 {
		t.Fatalf("%d connections open, want the agent's only", st.Connections)
	}
}
