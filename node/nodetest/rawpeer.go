package nodetest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// rawReadTimeout bounds Read and each read of Call and Request.
const rawReadTimeout = 5 * time.Second

// RawPeer is a hand-driven cluster connection: it speaks the framed, encrypted protocol with no
// actor behind it, so tests can send exactly what a hostile or foreign peer would (a Wazuh
// 4.14.7 worker, a raw master). Writes are safe from any goroutine; one goroutine reads.
type RawPeer struct {
	t      testing.TB
	nc     net.Conn
	reader *wire.Reader

	mu     sync.Mutex // serialises writes, so a serving goroutine may answer while the test asks
	cipher *wire.Cipher
	next   uint32
	answer func(messages.Frame) messages.Frame // nil: the other side's requests are left unanswered
}

// DialRaw connects a raw peer to addr with the cluster key key; the connection is closed when
// the test ends.
func DialRaw(t testing.TB, addr net.Addr, key string) *RawPeer {
	t.Helper()
	return DialRawFrom(t, "", addr, key)
}

// DialRawFrom connects from the loopback address localIP ("" lets the system choose), so that
// a test can play peers at several addresses: Linux routes all of 127/8 to lo.
func DialRawFrom(t testing.TB, localIP string, addr net.Addr, key string) *RawPeer {
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
	return &RawPeer{t: t, nc: nc, cipher: c, reader: wire.NewReader(nc, c, wire.ReaderLimits{}), next: 100}
}

// Conn is the peer's TCP connection, for a test that closes it, sets its deadlines or writes
// bytes that are not a whole frame.
func (p *RawPeer) Conn() net.Conn { return p.nc }

// Cipher is the key frames are sealed with (nil: sent in the clear).
func (p *RawPeer) Cipher() *wire.Cipher {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cipher
}

// SetCipher seals the frames written from now on with c (nil: in the clear), as a peer with
// the wrong key, or none, would. What the peer reads is still opened with the dialled key.
func (p *RawPeer) SetCipher(c *wire.Cipher) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cipher = c
}

// AdvanceCounter moves the peer's request counter n ahead and returns it: the counter of the
// next request is AdvanceCounter(1).
func (p *RawPeer) AdvanceCounter(n uint32) uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next += n
	return p.next
}

// AnswerWith makes the peer answer, while Call, Request or Await read, each request of the other
// side with reply(request) (WazuhWorkerReply answers as a Wazuh worker). nil, the default,
// leaves them unanswered, as from a peer busy with its own request: the other side times them
// out.
func (p *RawPeer) AnswerWith(reply func(request messages.Frame) messages.Frame) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answer = reply
}

// Send sends one request and returns its counter; the test fails if it cannot be written.
func (p *RawPeer) Send(command string, payload []byte) uint32 {
	p.t.Helper()
	counter := p.AdvanceCounter(1)
	if err := p.Write(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		p.t.Fatalf("write %s: %v", command, err)
	}
	return counter
}

// Write sends one frame with any counter; it may be called from any goroutine (t.Fatal may not,
// so it returns the error).
func (p *RawPeer) Write(f messages.Frame) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	buf, err := wire.AppendMessage(nil, p.cipher, f, wire.RequestChunk)
	if err != nil {
		return err
	}
	_, err = p.nc.Write(buf)
	return err
}

// Read reads the next frame, waiting at most 5 s.
func (p *RawPeer) Read() (messages.Frame, error) {
	_ = p.nc.SetReadDeadline(time.Now().Add(rawReadTimeout))
	return p.reader.ReadFrame()
}

// ReadFrame reads the next frame within whatever deadline the test set on Conn.
func (p *RawPeer) ReadFrame() (messages.Frame, error) {
	return p.reader.ReadFrame()
}

// Await reads until a frame for which match holds, and returns it. Frames read meanwhile are
// dropped, except the other side's requests, which are answered when AnswerWith says how.
func (p *RawPeer) Await(match func(messages.Frame) bool) (messages.Frame, error) {
	for {
		f, err := p.Read()
		if err != nil || match(f) {
			return f, err
		}
		if err := p.answerRequest(f); err != nil {
			return messages.Frame{}, fmt.Errorf("answer %s: %w", f.Command, err)
		}
	}
}

// answerRequest answers f when it is a request of the other side and the peer answers those.
func (p *RawPeer) answerRequest(f messages.Frame) error {
	p.mu.Lock()
	reply := p.answer
	p.mu.Unlock()
	if reply == nil || isResponse(f) {
		return nil
	}
	answer := reply(f)
	answer.Counter = f.Counter
	return p.Write(answer)
}

// isResponse reports whether f answers a request (ok, err, ok-c, …) rather than being one.
func isResponse(f messages.Frame) bool {
	info, ok := messages.LookupCommand(strings.TrimSpace(f.Command))
	return ok && info.Response
}

// Call sends one request and returns the answer carrying its counter; the test fails if there
// is none. Requests the other side sends meanwhile (a master's agent-groups broadcast runs every
// cycle) are answered as AnswerWith says, or left unanswered.
func (p *RawPeer) Call(command string, payload []byte) messages.Frame {
	p.t.Helper()
	counter := p.Send(command, payload)
	f, err := p.Await(func(f messages.Frame) bool {
		if f.Counter == counter {
			return true
		}
		p.t.Logf("while waiting for the answer to %s: the other side sent %s (counter %d)", command, f.Command, f.Counter)
		return false
	})
	if err != nil {
		p.t.Fatalf("answer to %s: %v", command, err)
	}
	return f
}

// Request implements wire.Requester on a raw peer, so that the sub-protocol senders can drive
// it: it sends one request and reads until the answer with its counter, treating what the other
// side sends meanwhile as Call does.
func (p *RawPeer) Request(_ context.Context, command string, payload []byte) (messages.Frame, error) {
	counter := p.Send(command, payload)
	return p.Await(func(f messages.Frame) bool { return f.Counter == counter })
}

// ClosedByPeer reports whether the other side closed the connection.
func (p *RawPeer) ClosedByPeer() error {
	_ = p.nc.SetReadDeadline(time.Now().Add(rawReadTimeout))
	if _, err := p.reader.ReadFrame(); err == nil {
		return fmt.Errorf("connection still open: a frame arrived")
	}
	return nil
}

// WazuhCode is the code of the Wazuh exception an err answer carries; the test fails if f is
// not one.
func WazuhCode(t testing.TB, f messages.Frame) int {
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
