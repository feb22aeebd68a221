package ha

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// TestMemberClosesConnectionsWithoutTheKey: a peer that does not hold the cluster key, or
// sends something else than raft messages, is cut off and changes nothing.
func TestMemberClosesConnectionsWithoutTheKey(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	other, err := wire.NewCipher("fedcba9876543210fedcba9876543210")
	if err != nil {
		t.Fatal(err)
	}
	right, err := wire.NewCipher(testKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cipher *wire.Cipher
		frame  messages.Frame
	}{
		{"another key", other, messages.Frame{Counter: 1, Command: cmdRaft, Payload: []byte("x")}},
		{"not raft", right, messages.Frame{Counter: 1, Command: "hello", Payload: []byte("x")}},
		{"garbage", right, messages.Frame{Counter: 1, Command: cmdRaft, Payload: []byte{0xff, 0xff, 0xff}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", g.peers[leader])
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			b, err := wire.AppendMessage(nil, tc.cipher, tc.frame, wire.RequestChunk)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := nc.Write(b); err != nil {
				t.Fatal(err)
			}
			_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			// Closed: EOF, or a reset when our bytes were still unread.
			_, err = nc.Read(make([]byte, 1))
			var ne net.Error
			if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
				t.Fatalf("the member kept the connection: %v", err)
			}
		})
	}
	if got := g.acting(10 * time.Second); got != leader {
		t.Logf("acting master moved from %d to %d", leader, got)
	}
}

// TestMemberBoundsInboundConnections: connections beyond a few per peer are closed at once,
// and the group keeps committing.
func TestMemberBoundsInboundConnections(t *testing.T) {
	g := newGroup(t, 3)
	leader := g.acting(10 * time.Second)
	const extra = 10
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range extra {
		nc, err := net.Dial("tcp", g.peers[leader])
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, nc)
	}
	closed := 0
	for _, nc := range conns {
		_ = nc.SetReadDeadline(time.Now().Add(time.Second))
		_, err := nc.Read(make([]byte, 1))
		var ne net.Error
		if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
			closed++
		}
	}
	// Two peers hold a connection each; the bound is three per peer.
	if want := extra - (inboundPerPeer*2 - 2); closed < want {
		t.Fatalf("%d of %d extra connections closed, want at least %d", closed, extra, want)
	}
	want := map[int]AgentAdd{}
	a := g.enroll(leader)
	want[a.ID] = a
	g.allHold(10*time.Second, want)
}
