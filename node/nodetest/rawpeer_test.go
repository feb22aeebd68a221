package nodetest_test

import (
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// rawPeer is a hand-driven worker connection: it speaks the framed, encrypted protocol with no
// actor behind it, so tests can send exactly what a hostile or foreign peer would.
type rawPeer struct {
	t      testing.TB
	nc     net.Conn
	cipher *wire.Cipher
	reader *wire.Reader

	mu   sync.Mutex // serialises writes, so a serving goroutine may answer while the test asks
	next uint32
}

func dialRaw(t testing.TB, addr net.Addr, key string) *rawPeer {
	t.Helper()
	return dialRawFrom(t, "", addr, key)
}

// dialRawFrom connects from the loopback address localIP ("" lets the system choose), so that
// a test can play peers at several addresses: Linux routes all of 127/8 to lo.
func dialRawFrom(t testing.TB, localIP string, addr net.Addr, key string) *rawPeer {
	t.Helper()
	d := net.Dialer{Timeout: 2 * time.Second}
	if localIP != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(localIP)}
	}
	nc, err := d.Dial("tcp", addr.String())
	if err != nil {
		t.Fatalf("dial %s from %q: %v", addr, localIP, err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	c, err := wire.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return &rawPeer{t: t, nc: nc, cipher: c, reader: wire.NewReader(nc, c, wire.ReaderLimits{}), next: 100}
}

func (p *rawPeer) send(command string, payload []byte) uint32 {
	p.t.Helper()
	counter := p.nextCounter()
	if err := p.write(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		p.t.Fatalf("write %s: %v", command, err)
	}
	return counter
}

// nextCounter reserves the counter of the peer's next request.
func (p *rawPeer) nextCounter() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	return p.next
}

// write sends one frame; it may be called from any goroutine (t.Fatal may not, so it returns
// the error).
func (p *rawPeer) write(f messages.Frame) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	buf, err := wire.AppendMessage(nil, p.cipher, f, wire.RequestChunk)
	if err != nil {
		return err
	}
	_, err = p.nc.Write(buf)
	return err
}

func (p *rawPeer) read() (messages.Frame, error) {
	_ = p.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	return p.reader.ReadFrame()
}

// request sends one request and returns the answer carrying its counter. Requests the master
// sends meanwhile (its agent-groups broadcast runs every cycle) are left unanswered, as from a
// peer busy with its own request; the master times them out.
func (p *rawPeer) request(command string, payload []byte) messages.Frame {
	p.t.Helper()
	counter := p.send(command, payload)
	for {
		f, err := p.read()
		if err != nil {
			p.t.Fatalf("answer to %s: %v", command, err)
		}
		if f.Counter == counter {
			return f
		}
		p.t.Logf("while waiting for the answer to %s: the master sent %s (counter %d)", command, f.Command, f.Counter)
	}
}

// closedByPeer reports whether the other side closed the connection.
func (p *rawPeer) closedByPeer() error {
	_ = p.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := p.reader.ReadFrame(); err == nil {
		return fmt.Errorf("connection still open: a frame arrived")
	}
	return nil
}

func wazuhCode(t testing.TB, f messages.Frame) int {
	t.Helper()
	if f.Command != messages.CmdErr {
		t.Fatalf("answer %s %q, want err", f.Command, f.Payload)
	}
	e, err := messages.DecodeException(f.Payload)
	if err != nil {
		t.Fatalf("err payload %q is not a Wazuh exception: %v", f.Payload, err)
	}
	return e.Code
}

var _ = nodetest.Key
