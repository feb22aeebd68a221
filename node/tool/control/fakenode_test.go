package control

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// fakeNode is a local socket server speaking plaintext framing on a real Unix socket, driven by
// a script run for each connection.
type fakeNode struct {
	t      *testing.T
	home   string
	socket string
	ln     net.Listener
	script func(c *fakeConn)
	wg     sync.WaitGroup
}

// startFakeNode listens on <tempdir>/queue/cluster/c-internal.sock and runs script for every
// connection; everything is stopped and waited for when the test ends.
func startFakeNode(t *testing.T, script func(c *fakeConn)) *fakeNode {
	t.Helper()
	home := t.TempDir()
	socket := SocketPath(home)
	if err := os.MkdirAll(filepath.Dir(socket), 0o750); err != nil {
		t.Fatalf("create socket folder: %v", err)
	}
	ln, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	n := &fakeNode{t: t, home: home, socket: socket, ln: ln, script: script}
	n.wg.Add(1)
	go n.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		n.wg.Wait()
	})
	return n
}

func (n *fakeNode) accept() {
	defer n.wg.Done()
	for {
		conn, err := n.ln.Accept()
		if err != nil {
			return
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			defer conn.Close()
			// No test conversation lasts this long; a stuck script fails instead of hanging.
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			n.script(&fakeConn{t: n.t, conn: conn, r: wire.NewReader(conn, nil, wire.ReaderLimits{}), counter: wire.NewCounter()})
		}()
	}
}

// client returns a Client of this node with short test timeouts.
func (n *fakeNode) client() *Client {
	return &Client{SocketPath: n.socket, Timeout: 5 * time.Second, ResponseTimeout: 5 * time.Second}
}

// fakeConn is the server end of one local connection.
type fakeConn struct {
	t       *testing.T
	conn    net.Conn
	r       *wire.Reader
	counter *wire.Counter
}

// read returns the next frame, or ok == false when the client has gone.
func (c *fakeConn) read() (messages.Frame, bool) {
	f, err := c.r.ReadFrame()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			c.t.Errorf("fake node: read: %v", err)
		}
		return messages.Frame{}, false
	}
	return f, true
}

// expect reads the next frame and checks its command.
func (c *fakeConn) expect(command string) (messages.Frame, bool) {
	f, ok := c.read()
	if ok && f.Command != command {
		c.t.Errorf("fake node: got command %q, want %q", f.Command, command)
		return f, false
	}
	return f, ok
}

// write sends one message.
func (c *fakeConn) write(counter uint32, command string, payload string) {
	frame, err := wire.AppendMessage(nil, nil, messages.Frame{Counter: counter, Command: command, Payload: []byte(payload)}, wire.RequestChunk)
	if err != nil {
		c.t.Errorf("fake node: build %s: %v", command, err)
		return
	}
	if _, err := c.conn.Write(frame); err != nil {
		c.t.Errorf("fake node: write %s: %v", command, err)
	}
}

// request sends a request of the node to the client and checks the client's reply.
func (c *fakeConn) request(command, payload, wantReplyCommand, wantReply string) {
	counter := c.counter.Next()
	c.write(counter, command, payload)
	f, ok := c.read()
	if !ok {
		c.t.Errorf("fake node: no reply to %s", command)
		return
	}
	if f.Counter != counter || f.Command != wantReplyCommand || string(f.Payload) != wantReply {
		c.t.Errorf("fake node: reply to %s = (%d, %q, %q), want (%d, %q, %q)",
			command, f.Counter, f.Command, f.Payload, counter, wantReplyCommand, wantReply)
	}
}

// drain waits until the client closes the connection.
func (c *fakeConn) drain() {
	for {
		if _, ok := c.read(); !ok {
			return
		}
	}
}
