package remoted

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// fuzzInputDeadline bounds one fuzz input's connection.
const fuzzInputDeadline = 500 * time.Millisecond

// loopbackConn gives a pipe a TCP source address, as a real agent has.
type loopbackConn struct{ net.Conn }

func (loopbackConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}

// serveStream serves stream as one TCP connection's bytes, through an in-memory pipe.
func serveStream(s *Server, stream []byte) {
	server, client := net.Pipe()
	// An input may leave either side waiting for the other (a push the reader never drains):
	// the deadline bounds every input, as a real agent's socket timeout would.
	deadline := time.Now().Add(fuzzInputDeadline)
	_ = server.SetDeadline(deadline)
	_ = client.SetDeadline(deadline)
	c := newTCPConn(loopbackConn{server})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.writeLoop()
	}()
	go io.Copy(io.Discard, client)
	go func() {
		client.Write(stream)
		client.Close()
	}()
	s.serveConn(c)
	<-done
	client.Close()
}

// FuzzServeFrame feeds arbitrary bytes as one TCP connection's stream: the
// server never panics, whatever the frames and their decrypted content.
func FuzzServeFrame(f *testing.F) {
	home := testHome(f, "001 vec-agent any "+key1, "002 local 127.0.0.1 "+key2)
	cfg := testConfig(f, home)
	cfg.TCPAddr, cfg.UDPAddr = "", ""
	s := startServer(f, cfg, newFakeStore(), nil)

	agent := newTestAgent(f, "001", "vec-agent", "any", key1)
	local := newTestAgent(f, "002", "local", "127.0.0.1", key2)
	frame := func(a *testAgent, msgs ...string) []byte {
		var b []byte
		for _, m := range msgs {
			b = agentproto.AppendFrame(b, a.payload([]byte(m)))
		}
		return b
	}
	f.Add([]byte{})
	f.Add(agentproto.AppendFrame(nil, []byte(agentproto.PingMessage)))
	f.Add(frame(agent, string(agentproto.StartupMessage("v4.14.7")), keepaliveText("x"), "1:app:hello", agentproto.ShutdownMessage))
	f.Add(frame(local, `#!-agent startup {"version":"v9.1.0"}`, "#!-no newline", "#!-req 1 ok", "bad event"))
	f.Add(frame(agent, "1:keepalive:x", `#!-agent startup {}`, "f:EventChannel:{}\x00tail"))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add(append(agentproto.AppendFrame(nil, []byte("!001!#AES:garbage")), 5, 0, 0))

	f.Fuzz(func(t *testing.T, stream []byte) {
		serveStream(s, stream)
	})
}

// Frames split anywhere still decode as a stream.
func TestServeFrameSplitStream(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	s := startServer(t, testConfig(t, home), newFakeStore(), nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	var stream []byte
	for _, m := range []string{"1:app:one", "1:app:two", "1:app:three"} {
		stream = agentproto.AppendFrame(stream, a.payload([]byte(m)))
	}
	for len(stream) > 0 {
		n := min(7, len(stream))
		if _, err := a.conn.Write(stream[:n]); err != nil {
			t.Fatal(err)
		}
		stream = stream[n:]
	}
	poll.Until(t, waitTimeout, "three events", func() bool { return len(archiveLines(t, s.cfg.Home)) == 3 })
	if got := archiveLines(t, s.cfg.Home); !bytes.Equal([]byte(got[2]), []byte("1:[001] (vec-agent) any->app:three")) {
		t.Errorf("archive %q", got)
	}
}

// FuzzServeMessages seals arbitrary plaintexts (split at 0xff) for a known
// agent, so the fuzzer reaches the control, keepalive and event handling
// behind the decryption.
func FuzzServeMessages(f *testing.F) {
	home := testHome(f, "001 vec-agent any "+key1)
	cfg := testConfig(f, home)
	cfg.TCPAddr, cfg.UDPAddr = "", ""
	s := startServer(f, cfg, newFakeStore(), nil)
	agent := newTestAgent(f, "001", "vec-agent", "any", key1)
	for _, seed := range []string{
		string(agentproto.StartupMessage("v4.14.7")) + "\xff" + keepaliveText("x") + "\xff1:app:hello\xff" + agentproto.ShutdownMessage,
		`#!-agent startup {"version":"v4.99"}` + "\xff#!-\n\xff#!-req 1 ok\xff1:keepalive:x",
		"#!-Windows 10 [Ver: 10.0.19045] |host |x86_64 - Wazuh v4.14.7\n\"a\":b\nx merged.mg\n",
		"\x00\xff:\xff1:\xff" + "1:a|:b:c",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var stream []byte
		for _, m := range bytes.Split(in, []byte{0xff}) {
			if len(m) == 0 || len(m) > 60000 {
				continue
			}
			stream = agentproto.AppendFrame(stream, agent.payload(m))
		}
		serveStream(s, stream)
	})
}
