package nodetest_test

import (
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
)

// BenchmarkHandshake measures handshake-to-connected on loopback: TCP connect, the encrypted
// hello, the master's checks and registration, and its "Client <name> added" answer. Each
// iteration uses a fresh worker name and closes the connection afterwards.
func BenchmarkHandshake(b *testing.B) {
	c := nodetest.Start(b, nodetest.Options{Workers: 0})
	addr := c.Master().Node().ClusterAddr()
	i := 0
	for b.Loop() {
		i++
		p := nodetest.DialRaw(b, addr, nodetest.Key)
		f := p.Call(messages.CmdHello, []byte(fmt.Sprintf("bench%d wazuh worker 4.14.7", i)))
		if f.Command != messages.CmdOK {
			b.Fatalf("hello answered %s %q", f.Command, f.Payload)
		}
		_ = p.Conn().Close()
	}
}

// BenchmarkKeepaliveRoundTrip measures one echo-c / ok-m exchange on an established
// connection: framing, Fernet both ways, the handler actor and back.
func BenchmarkKeepaliveRoundTrip(b *testing.B) {
	c := nodetest.Start(b, nodetest.Options{Workers: 0})
	p := nodetest.DialRaw(b, c.Master().Node().ClusterAddr(), nodetest.Key)
	if f := p.Call(messages.CmdHello, []byte("benchka wazuh worker 4.14.7")); f.Command != messages.CmdOK {
		b.Fatalf("hello answered %s %q", f.Command, f.Payload)
	}
	for b.Loop() {
		if f := p.Call(messages.CmdEchoC, []byte("keepalive")); f.Command != "ok-m" {
			b.Fatalf("echo-c answered %s", f.Command)
		}
	}
}
