package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

const connTestTimeout = 10 * time.Second

// tcpPair returns both ends of a real loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- nc
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	server, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return client, server
}

// endRecorder captures the done callback and checks it runs exactly once.
type endRecorder struct {
	calls  atomic.Int32
	reason chan error
}

func newEndRecorder() *endRecorder { return &endRecorder{reason: make(chan error, 2)} }

func (e *endRecorder) done(err error) {
	e.calls.Add(1)
	e.reason <- err
}

func (e *endRecorder) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-e.reason:
		return err
	case <-time.After(connTestTimeout):
		t.Fatal("connection did not end in time")
		return nil
	}
}

func waitDone(t *testing.T, c *Conn) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(connTestTimeout):
		t.Fatal("connection goroutines did not exit in time")
	}
}

func ignoreFrames(messages.Frame) {}

func TestConnRequestResponseRoundTrip(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	clientNC, serverNC := tcpPair(t)
	cfg := ConnConfig{Cipher: key, Chunk: 1024}

	server := NewConn(serverNC, cfg)
	serverEnd := newEndRecorder()
	server.Start(func(f messages.Frame) {
		reply := messages.Frame{Counter: f.Counter, Command: "ok", Payload: append([]byte("echo: "), f.Payload...)}
		if f.Command == "echo-c" {
			reply.Command = "ok-m "
		}
		if err := server.Send(reply); err != nil {
			t.Errorf("server reply: %v", err)
		}
	}, serverEnd.done)

	client := NewConn(clientNC, cfg)
	clientEnd := newEndRecorder()
	responses := make(chan messages.Frame, 4)
	client.Start(func(f messages.Frame) { responses <- f }, clientEnd.done)

	counter := NewCounter()
	requests := []messages.Frame{
		{Counter: counter.Next(), Command: "echo-c", Payload: []byte("keepalive")},
		{Counter: counter.Next(), Command: "echo", Payload: randomPayload(5000, 5)}, // divided at chunk 1024
		{Counter: counter.Next(), Command: "syn_i_w_m_p"},
	}
	for _, req := range requests {
		if err := client.SendWait(context.Background(), req); err != nil {
			t.Fatalf("send %s: %v", req.Command, err)
		}
	}
	for _, req := range requests {
		select {
		case got := <-responses:
			wantCmd := "ok"
			if req.Command == "echo-c" {
				wantCmd = "ok-m"
			}
			if got.Counter != req.Counter || got.Command != wantCmd || !bytes.Equal(got.Payload, append([]byte("echo: "), req.Payload...)) {
				t.Fatalf("response to %s: %d/%q/%d bytes", req.Command, got.Counter, got.Command, len(got.Payload))
			}
		case <-time.After(connTestTimeout):
			t.Fatalf("no response to %s", req.Command)
		}
	}

	// The writer accounts for a write once the syscall returns, which may be after the peer
	// has already answered; poll for it.
	statsSettled := func() bool {
		s := client.Stats()
		return s.MessagesOut == 3 && s.MessagesIn == 3 && s.FramesOut >= 4 && s.FramesIn >= 4 &&
			s.BytesOut > 5000 && s.BytesIn > 5000 && s.QueueCap == defaultQueueLen && s.QueueDepth == 0
	}
	if !poll.Within(connTestTimeout, statsSettled) {
		t.Fatalf("client stats %+v", client.Stats())
	}
	if client.RemoteAddr().String() != serverNC.LocalAddr().String() {
		t.Fatalf("RemoteAddr %v, want %v", client.RemoteAddr(), serverNC.LocalAddr())
	}

	if err := client.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := client.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if err := clientEnd.wait(t); err != nil {
		t.Fatalf("client ended with %v, want nil after Close", err)
	}
	if err := serverEnd.wait(t); !errors.Is(err, io.EOF) {
		t.Fatalf("server ended with %v, want io.EOF", err)
	}
	waitDone(t, client)
	waitDone(t, server)
	if clientEnd.calls.Load() != 1 || serverEnd.calls.Load() != 1 {
		t.Fatalf("done called %d and %d times", clientEnd.calls.Load(), serverEnd.calls.Load())
	}
	if err := client.Send(requests[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after close: %v", err)
	}
	if err := client.SendWait(context.Background(), requests[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("SendWait after close: %v", err)
	}
}

func TestConnQueueFullBackPressure(t *testing.T) {
	defer goleak.VerifyNone(t)
	clientNC, _ := tcpPair(t)
	c := NewConn(clientNC, ConnConfig{QueueLen: 2})
	f := messages.Frame{Counter: 1, Command: "echo", Payload: []byte("x")}
	for i := range 2 {
		if err := c.Send(f); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if err := c.Send(f); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third send: %v, want ErrQueueFull", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.SendWait(ctx, f); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SendWait on a full queue: %v, want context.DeadlineExceeded", err)
	}
	if d := c.Stats().QueueDepth; d != 2 {
		t.Fatalf("queue depth %d, want 2", d)
	}
	end := newEndRecorder()
	c.Start(ignoreFrames, end.done)
	c.Close()
	if err := end.wait(t); err != nil {
		t.Fatalf("ended with %v", err)
	}
	waitDone(t, c)
}

func TestConnCloseWhileWriterIsBlocked(t *testing.T) {
	defer goleak.VerifyNone(t)
	clientNC, _ := tcpPair(t) // the server side never reads.
	c := NewConn(clientNC, ConnConfig{QueueLen: 1})
	end := newEndRecorder()
	c.Start(ignoreFrames, end.done)

	payload := make([]byte, 1<<20)
	blocked := false
	for range 256 {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := c.SendWait(ctx, messages.Frame{Counter: 1, Command: "file_upd", Payload: payload})
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			blocked = true
			break
		}
		if err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	if !blocked {
		t.Fatal("the writer never blocked on a peer that does not read")
	}
	if err := c.Send(messages.Frame{Counter: 2, Command: "echo"}); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("send with writer blocked: %v, want ErrQueueFull", err)
	}
	c.Close()
	if err := end.wait(t); err != nil {
		t.Fatalf("ended with %v, want nil", err)
	}
	waitDone(t, c)
}

func TestConnCloseWhileReaderIsBlockedAndFromDeliver(t *testing.T) {
	defer goleak.VerifyNone(t)
	clientNC, serverNC := tcpPair(t)

	idle := NewConn(serverNC, ConnConfig{})
	idleEnd := newEndRecorder()
	idle.Start(ignoreFrames, idleEnd.done)

	var selfClosing *Conn
	selfEnd := newEndRecorder()
	selfClosing = NewConn(clientNC, ConnConfig{})
	selfClosing.Start(func(messages.Frame) { selfClosing.Close() }, selfEnd.done)

	if err := idle.Send(messages.Frame{Counter: 1, Command: "bye"}); err != nil {
		t.Fatal(err)
	}
	if err := selfEnd.wait(t); err != nil {
		t.Fatalf("Close inside deliver: ended with %v", err)
	}
	if err := idleEnd.wait(t); !errors.Is(err, io.EOF) {
		t.Fatalf("peer of a closed conn ended with %v, want io.EOF", err)
	}
	waitDone(t, selfClosing)
	waitDone(t, idle)
}

func TestConnPayloadDeadlineClosesTheConnection(t *testing.T) {
	defer goleak.VerifyNone(t)
	peer, serverNC := tcpPair(t)
	c := NewConn(serverNC, ConnConfig{PayloadDeadline: 200 * time.Millisecond})
	end := newEndRecorder()
	c.Start(ignoreFrames, end.done)

	// An idle connection is not subject to the deadline: only a started payload is.
	if _, err := peer.Write(append(rawHeader(1, 2, "ok ---------"), "hi"...)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := peer.Write(append(rawHeader(2, 100, "ok ---------"), "only ten.."...)); err != nil {
		t.Fatal(err)
	}
	err := end.wait(t)
	if !errors.Is(err, ErrPayloadDeadline) || Code(err) != 0 {
		t.Fatalf("ended with %v, want ErrPayloadDeadline", err)
	}
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Fatalf("closed after %v, before the deadline", elapsed)
	}
	assertPeerSeesClose(t, peer)
	waitDone(t, c)
}

func TestConnClosesOnProtocolErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	ours, _ := NewCipher(vectorKey)
	theirs, _ := NewCipher(specKey)
	var tooManyDivided []byte
	for counter := range uint32(MaxConcurrentDivided + 1) {
		tooManyDivided = append(tooManyDivided, append(rawHeader(counter, 1, "echo ------d"), 'x')...)
	}
	cases := []struct {
		name   string
		stream []byte
		want   error
		code   int
	}{
		{"oversize header", rawHeader(1, MaxTotalSize+1, "ok ---------"), ErrPayloadTooLarge, 3050},
		{"eleven divided", tooManyDivided, ErrTooManyDivided, 3051},
		{"wrong key", encodeForTest(t, theirs, 0, messages.Frame{Counter: 1, Command: "hello", Payload: []byte("w")}), ErrDecrypt, 3025},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			peer, serverNC := tcpPair(t)
			c := NewConn(serverNC, ConnConfig{Cipher: ours})
			end := newEndRecorder()
			c.Start(func(f messages.Frame) { t.Errorf("delivered %+v", f) }, end.done)
			if _, err := peer.Write(tc.stream); err != nil {
				t.Fatal(err)
			}
			err := end.wait(t)
			if !errors.Is(err, tc.want) || Code(err) != tc.code {
				t.Fatalf("ended with %v (code %d), want %v/%d", err, Code(err), tc.want, tc.code)
			}
			assertPeerSeesClose(t, peer)
			waitDone(t, c)
		})
	}
}

func TestConnSendRefusesUnencodableMessagesButStaysOpen(t *testing.T) {
	defer goleak.VerifyNone(t)
	clientNC, serverNC := tcpPair(t)
	c := NewConn(clientNC, ConnConfig{})
	end := newEndRecorder()
	c.Start(ignoreFrames, end.done)
	if err := c.Send(messages.Frame{Command: "twelve_chars"}); !errors.Is(err, ErrCommandTooLong) || Code(err) != 3024 {
		t.Fatalf("Send: %v, want ErrCommandTooLong/3024", err)
	}
	if err := c.SendWait(context.Background(), messages.Frame{Command: "twelve_chars"}); Code(err) != 3024 {
		t.Fatalf("SendWait: %v, want 3024", err)
	}
	if err := c.Send(messages.Frame{Counter: 5, Command: "ok", Payload: []byte("still here")}); err != nil {
		t.Fatal(err)
	}
	serverNC.SetReadDeadline(time.Now().Add(connTestTimeout))
	got, err := NewReader(serverNC, nil, ReaderLimits{}).ReadFrame()
	if err != nil || got.Counter != 5 || string(got.Payload) != "still here" {
		t.Fatalf("peer read %+v, %v", got, err)
	}
	c.Close()
	if err := end.wait(t); err != nil {
		t.Fatalf("ended with %v", err)
	}
	waitDone(t, c)
}

func TestConnBatchesQueuedMessagesInOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	clientNC, serverNC := tcpPair(t)
	c := NewConn(clientNC, ConnConfig{QueueLen: 1000, Chunk: 200})
	const n = 500
	for i := range n {
		payload := bytes.Repeat([]byte{byte(i)}, i%300) // some of them divided
		if err := c.Send(messages.Frame{Counter: uint32(i), Command: "str_upd", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	end := newEndRecorder()
	c.Start(ignoreFrames, end.done)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		serverNC.SetReadDeadline(time.Now().Add(connTestTimeout))
		r := NewReader(serverNC, nil, ReaderLimits{})
		for i := range n {
			f, err := r.ReadFrame()
			if err != nil || f.Counter != uint32(i) || len(f.Payload) != i%300 {
				t.Errorf("message %d: counter %d, %d bytes, %v", i, f.Counter, len(f.Payload), err)
				return
			}
		}
	}()
	wg.Wait()
	if !poll.Within(connTestTimeout, func() bool { s := c.Stats(); return s.MessagesOut == n && s.QueueDepth == 0 }) {
		t.Fatalf("stats %+v", c.Stats())
	}
	c.Close()
	end.wait(t)
	waitDone(t, c)
}

// assertPeerSeesClose checks that the other end of a connection the Conn gave up on reads EOF
// (or a reset), i.e. that the Conn really closed its socket.
func assertPeerSeesClose(t *testing.T, peer net.Conn) {
	t.Helper()
	peer.SetReadDeadline(time.Now().Add(connTestTimeout))
	_, err := io.Copy(io.Discard, peer)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatal("peer still connected: the Conn did not close its socket")
	}
}

func TestConnCarriesABigDividedMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("moves tens of MiB")
	}
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	clientNC, serverNC := tcpPair(t)
	// 7 MiB is divided and seals to more than a Reader keeps between messages, so both ends go
	// through the shared buffer pools.
	payload := randomPayload(7<<20, 8)
	received := make(chan messages.Frame, 2)
	server := NewConn(serverNC, ConnConfig{Cipher: key})
	serverEnd := newEndRecorder()
	server.Start(func(f messages.Frame) { received <- f }, serverEnd.done)
	client := NewConn(clientNC, ConnConfig{Cipher: key})
	clientEnd := newEndRecorder()
	client.Start(ignoreFrames, clientEnd.done)

	for counter := range uint32(2) {
		if err := client.Send(messages.Frame{Counter: counter, Command: "echo", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	for counter := range uint32(2) {
		select {
		case f := <-received:
			if f.Counter != counter || !bytes.Equal(f.Payload, payload) {
				t.Fatalf("message %d: counter %d, %d bytes", counter, f.Counter, len(f.Payload))
			}
		case <-time.After(connTestTimeout):
			t.Fatalf("message %d not received", counter)
		}
	}
	if s := server.Stats(); s.FramesIn != 4 {
		t.Fatalf("server read %d frames, want 2 parts per message", s.FramesIn)
	}
	client.Close()
	clientEnd.wait(t)
	serverEnd.wait(t)
	waitDone(t, client)
	waitDone(t, server)
}
