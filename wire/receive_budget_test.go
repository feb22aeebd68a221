package wire

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// junkFlood writes a header announcing size bytes (flagged divided when divided is set) and
// then junk in 64 KiB writes until total bytes are written or the connection fails.
func junkFlood(nc net.Conn, counter uint32, size, total int, divided bool) {
	hdr := make([]byte, HeaderLen)
	Header{Counter: counter, Size: uint32(size), Command: "sendsync", Divided: divided}.Put(hdr)
	if _, err := nc.Write(hdr); err != nil {
		return
	}
	junk := make([]byte, 64<<10)
	for sent := 0; sent < total; sent += len(junk) {
		_ = nc.SetWriteDeadline(time.Now().Add(connTestTimeout))
		if _, err := nc.Write(junk); err != nil {
			return
		}
	}
}

// Before its hello, a peer announcing more than a hello is cut off at the header: nothing is
// allocated for it and the error says why.
func TestPreAuthHeaderOverTheBoundEndsTheConnection(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	budget := NewReceiveBudget(1<<20, 1<<20, 64<<10)
	clientNC, serverNC := tcpPair(t)
	server := NewConn(serverNC, ConnConfig{Cipher: key, Limits: ReaderLimits{PreAuthSize: 8 << 10, Budget: budget}})
	end := newEndRecorder()
	server.Start(ignoreFrames, end.done)
	go junkFlood(clientNC, 1, MaxTotalSize, 4<<20, false)
	err := end.wait(t)
	if !errors.Is(err, ErrPreAuthTooLarge) || Code(err) != 3050 {
		t.Fatalf("connection ended with %v, want the pre-authentication bound (3050)", err)
	}
	if _, bytesIn := server.reader.Stats(); bytesIn != HeaderLen {
		t.Fatalf("%d bytes read, want only the header", bytesIn)
	}
	if n := budget.InUse(); n != 0 {
		t.Fatalf("%d bytes of budget still held", n)
	}
	waitDone(t, server)
}

// A divided part before the hello is refused too, and once authenticated the bound is gone.
func TestPreAuthBoundAllowsAHelloAndIsLifted(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	clientNC, serverNC := tcpPair(t)
	server := NewConn(serverNC, ConnConfig{Cipher: key, Limits: ReaderLimits{PreAuthSize: 8 << 10}})
	got := make(chan messages.Frame, 4)
	end := newEndRecorder()
	server.Start(func(f messages.Frame) {
		if f.Command == "hello" {
			server.Authenticated()
			_ = server.Send(messages.Frame{Counter: f.Counter, Command: "ok", Payload: []byte("added")})
		}
		got <- f
	}, end.done)
	client := NewConn(clientNC, ConnConfig{Cipher: key})
	replies := make(chan messages.Frame, 1)
	client.Start(func(f messages.Frame) { replies <- f }, func(error) {})
	if err := client.Send(messages.Frame{Counter: 1, Command: "hello", Payload: []byte("worker1 wazuh worker 4.14.7")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-replies:
	case <-time.After(connTestTimeout):
		t.Fatal("no answer to hello")
	}
	big := make([]byte, 6<<20) // divided, and far over the pre-authentication bound
	if err := client.Send(messages.Frame{Counter: 2, Command: "sendsync", Payload: big}); err != nil {
		t.Fatal(err)
	}
	for want := 2; want > 0; want-- {
		select {
		case f := <-got:
			if f.Command == "sendsync" && len(f.Payload) != len(big) {
				t.Fatalf("sendsync of %d bytes, want %d", len(f.Payload), len(big))
			}
		case <-time.After(connTestTimeout):
			t.Fatal("frames after the hello were not delivered")
		}
	}
	_ = client.Close()
	waitDone(t, client)
	end.wait(t)
	waitDone(t, server)

	// Without the hello, the first divided part ends the connection, however small.
	clientNC, serverNC = tcpPair(t)
	server = NewConn(serverNC, ConnConfig{Cipher: key, Limits: ReaderLimits{PreAuthSize: 8 << 10}})
	end = newEndRecorder()
	server.Start(ignoreFrames, end.done)
	go junkFlood(clientNC, 1, 100, 100, true)
	if err := end.wait(t); !errors.Is(err, ErrPreAuthTooLarge) {
		t.Fatalf("divided part before hello ended the connection with %v", err)
	}
	waitDone(t, server)
}

// Many connections streaming junk under huge headers hold no more than the node's budget
// together, and a connection exchanging small frames keeps being served meanwhile thanks to
// the reserve.
func TestReceiveBudgetBoundsAllConnectionsAndKeepsSmallFramesFlowing(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	// Each connection's share is larger than the whole: the flood fills the shared budget and
	// waits for more rather than being cut off at its share.
	const shared, perConn, reserve = 8 << 20, 16 << 20, 256 << 10
	budget := NewReceiveBudget(shared, perConn, reserve)
	cfg := ConnConfig{Cipher: key, Limits: ReaderLimits{Budget: budget}, PayloadDeadline: 3 * time.Second}

	var (
		peak    atomic.Int64
		floodWG sync.WaitGroup
		ends    []*endRecorder
		servers []*Conn
	)
	// On a failure, end every connection before goleak looks (deferred after it, so run first).
	defer func() {
		for _, s := range servers {
			_ = s.Close()
		}
	}()
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	var stopOnce sync.Once
	stopSampler := func() { stopOnce.Do(func() { close(stopSampling) }); <-sampled }
	defer stopSampler()
	go func() {
		defer close(sampled)
		for {
			if n := budget.InUse(); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	for i := range 10 {
		clientNC, serverNC := tcpPair(t)
		server := NewConn(serverNC, cfg)
		end := newEndRecorder()
		server.Start(ignoreFrames, end.done)
		servers, ends = append(servers, server), append(ends, end)
		floodWG.Add(1)
		go func() {
			defer floodWG.Done()
			junkFlood(clientNC, uint32(i), 200<<20, 32<<20, false)
		}()
	}

	// The healthy peer: echo round trips of small frames while the flood holds the budget.
	clientNC, serverNC := tcpPair(t)
	healthy := NewConn(serverNC, cfg)
	healthy.Start(func(f messages.Frame) {
		_ = healthy.Send(messages.Frame{Counter: f.Counter, Command: "ok-m", Payload: f.Payload})
	}, func(error) {})
	client := NewConn(clientNC, ConnConfig{Cipher: key})
	answers := make(chan messages.Frame, 1)
	client.Start(func(f messages.Frame) { answers <- f }, func(error) {})
	if !poll.Within(connTestTimeout, func() bool { return budget.shared.InUse() == shared }) {
		t.Fatalf("the flood never filled the shared budget (%d bytes held)", budget.InUse())
	}
	// Echoes go while the flood holds the whole budget; on a slow machine the flood's payload
	// deadline may end it before all twenty, but not before the first few.
	answered := 0
	for i := range uint32(20) {
		if budget.shared.InUse() != shared {
			break
		}
		if err := client.Send(messages.Frame{Counter: i, Command: "echo-c", Payload: []byte("keepalive")}); err != nil {
			t.Fatal(err)
		}
		// Well within the flood's payload deadline: the echo did not wait for it to give up.
		select {
		case <-answers:
			answered++
		case <-time.After(time.Second):
			t.Fatalf("echo %d not answered while the flood holds the budget", i)
		}
	}
	if answered < 3 {
		t.Fatalf("only %d echoes went through before the flood let go of the budget", answered)
	}

	for i, end := range ends {
		err := end.wait(t)
		if !errors.Is(err, ErrPayloadTooLarge) && !errors.Is(err, ErrPayloadDeadline) {
			t.Errorf("flooding connection %d ended with %v, want its share or the deadline", i, err)
		}
		waitDone(t, servers[i])
	}
	floodWG.Wait()
	stopSampler()
	if p := peak.Load(); p > shared+reserve {
		t.Fatalf("connections held %d bytes at once, budget %d", p, shared+reserve)
	}
	t.Logf("peak receive buffers: %d KiB of %d KiB", peak.Load()>>10, (shared+reserve)>>10)
	_ = client.Close()
	_ = healthy.Close()
	waitDone(t, client)
	waitDone(t, healthy)
	if n := budget.InUse(); n != 0 {
		t.Fatalf("%d bytes of budget still held after every connection closed", n)
	}
}

// A peer keeping ten divided messages under reassembly is held to its share of the budget.
func TestDividedMessagesAreHeldToTheConnectionShare(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	budget := NewReceiveBudget(64<<20, 4<<20, 64<<10)
	clientNC, serverNC := tcpPair(t)
	server := NewConn(serverNC, ConnConfig{Cipher: key, Limits: ReaderLimits{Budget: budget}})
	end := newEndRecorder()
	server.Start(ignoreFrames, end.done)
	go func() {
		for i := range 100 {
			junkFlood(clientNC, uint32(i%MaxConcurrentDivided), 1<<20, 1<<20, true)
		}
	}()
	err := end.wait(t)
	if !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("connection ended with %v, want its share exceeded (3050)", err)
	}
	waitDone(t, server)
	if n := budget.InUse(); n != 0 {
		t.Fatalf("%d bytes of budget still held", n)
	}
}

// Parts of a divided message left waiting end the connection after the payload deadline, so
// they cannot hold their buffers for as long as the peer stays connected.
func TestStalledDividedMessageEndsAfterThePayloadDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	budget := NewReceiveBudget(0, 0, 0)
	clientNC, serverNC := tcpPair(t)
	server := NewConn(serverNC, ConnConfig{Cipher: key, PayloadDeadline: 300 * time.Millisecond, Limits: ReaderLimits{Budget: budget}})
	end := newEndRecorder()
	server.Start(ignoreFrames, end.done)
	junkFlood(clientNC, 1, 64<<10, 64<<10, true)
	if err := end.wait(t); !errors.Is(err, ErrPayloadDeadline) {
		t.Fatalf("connection ended with %v, want the payload deadline", err)
	}
	waitDone(t, server)
	if n := budget.InUse(); n != 0 {
		t.Fatalf("%d bytes of budget still held", n)
	}
}
