package wire

import (
	"bytes"
	"crypto/cipher"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
)

// tap records every byte that crosses it on the way to the far end.
type tap struct {
	net.Conn
	mu   sync.Mutex
	seen bytes.Buffer
}

func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	t.seen.Write(p[:n])
	t.mu.Unlock()
	return n, err
}

// frames splits what the tap saw into frames: their headers and payloads.
func (t *tap) frames(tb testing.TB) (heads []Header, payloads [][]byte) {
	tb.Helper()
	t.mu.Lock()
	data := bytes.Clone(t.seen.Bytes())
	t.mu.Unlock()
	for len(data) >= HeaderLen {
		h, err := ParseHeader(data[:HeaderLen])
		if err != nil {
			tb.Fatalf("tapped header: %v", err)
		}
		if len(data) < HeaderLen+int(h.Size) {
			break
		}
		heads = append(heads, h)
		payloads = append(payloads, data[HeaderLen:HeaderLen+int(h.Size)])
		data = data[HeaderLen+int(h.Size):]
	}
	return heads, payloads
}

// Two clusterd ends switch to the link cipher: the worker seals with it as soon as it has the
// master's answer, the master only once the worker's first link-sealed payload arrived, and
// everything (small messages, a divided one) still arrives whole and in order both ways.
func TestConnLinkCipherBothWays(t *testing.T) {
	defer goleak.VerifyNone(t)
	key, _ := NewCipher(vectorKey)
	workerNC, masterNC := tcpPair(t)
	toWorker := &tap{Conn: workerNC}
	toMaster := &tap{Conn: masterNC}
	cfg := ConnConfig{Cipher: key, Chunk: 1024}

	master := NewConn(toMaster, cfg)
	masterGot := make(chan messages.Frame, 16)
	masterEnd := newEndRecorder()
	master.Start(func(f messages.Frame) { masterGot <- f }, masterEnd.done)
	worker := NewConn(toWorker, cfg)
	workerGot := make(chan messages.Frame, 16)
	workerEnd := newEndRecorder()
	worker.Start(func(f messages.Frame) { workerGot <- f }, workerEnd.done)

	wn, mn := NewLinkNonce(), NewLinkNonce()
	receive := func(from chan messages.Frame, want messages.Frame) {
		t.Helper()
		select {
		case f := <-from:
			if f.Counter != want.Counter || f.Command != strings.TrimSpace(want.Command) || !bytes.Equal(f.Payload, want.Payload) {
				t.Fatalf("got %d %q (%d bytes), want %d %q (%d bytes)", f.Counter, f.Command, len(f.Payload),
					want.Counter, want.Command, len(want.Payload))
			}
		case <-time.After(connTestTimeout):
			t.Fatalf("%q never arrived", want.Command)
		}
	}
	// The master takes the offer before it answers, and answers with Fernet.
	if ok, err := master.UseLinkCipher(wn, mn, true); !ok || err != nil {
		t.Fatalf("master switch: %v, %v", ok, err)
	}
	if ok, _ := master.UseLinkCipher(wn, mn, true); ok {
		t.Fatal("a second switch on the same connection was taken")
	}
	answer := messages.Frame{Counter: 1, Command: "ok", Payload: []byte("pkg-s2 " + mn.Offer())}
	if err := master.Send(answer); err != nil {
		t.Fatal(err)
	}
	receive(workerGot, answer)
	if master.LinkSealed() {
		t.Fatal("the master seals with the link cipher before the worker has shown it can open it")
	}
	if ok, err := worker.UseLinkCipher(wn, mn, false); !ok || err != nil {
		t.Fatalf("worker switch: %v, %v", ok, err)
	}
	big := messages.Frame{Counter: 2, Command: "syn_i_w_m", Payload: randomPayload(5000, 3)} // divided at chunk 1024
	small := messages.Frame{Counter: 3, Command: "keepalive ", Payload: []byte("ping")}      // read as "keepalive"
	for _, f := range []messages.Frame{big, small} {
		if err := worker.Send(f); err != nil {
			t.Fatal(err)
		}
	}
	receive(masterGot, big)
	receive(masterGot, small)
	poll.Until(t, connTestTimeout, "the master sealing with the link cipher", master.LinkSealed)
	reply := messages.Frame{Counter: 3, Command: "ok", Payload: bytes.Repeat([]byte("pong "), 100)}
	if err := master.Send(reply); err != nil {
		t.Fatal(err)
	}
	receive(workerGot, reply)

	// On the wire: the answer in Fernet, everything after it link-sealed, 25 bytes over the
	// plaintext rather than a third more.
	_, toWorkerPayloads := toWorker.frames(t)
	if len(toWorkerPayloads) != 2 || toWorkerPayloads[0][0] == linkMarker || toWorkerPayloads[1][0] != linkMarker ||
		len(toWorkerPayloads[1]) != len(reply.Payload)+linkOverhead {
		t.Fatalf("frames to the worker: %d", len(toWorkerPayloads))
	}
	heads, toMasterPayloads := toMaster.frames(t)
	for i, p := range toMasterPayloads {
		if i == 0 || !heads[i-1].Divided { // the first frame of each message
			if p[0] != linkMarker {
				t.Fatalf("frame %d to the master is not link-sealed", i)
			}
		}
	}

	worker.Close()
	workerEnd.wait(t)
	if err := masterEnd.wait(t); !errors.Is(err, io.EOF) {
		t.Fatalf("master ended with %v", err)
	}
	waitDone(t, worker)
	waitDone(t, master)
}

// A link-sealed payload is refused (ErrDecrypt, which ends the connection) when it was replayed,
// when its frame's counter or command was changed, when it was sealed for the other direction or
// another connection, and by a reader that does not use the link cipher.
func TestLinkSealedPayloadsRefusedWhenTamperedOrReplayed(t *testing.T) {
	key, _ := NewCipher(vectorKey)
	wn, mn := NewLinkNonce(), NewLinkNonce()
	workerKeys, err := key.linkKeys(wn, mn, false)
	if err != nil {
		t.Fatal(err)
	}
	masterKeys, _ := key.linkKeys(wn, mn, true)
	otherKeys, _ := key.linkKeys(wn, NewLinkNonce(), true)
	sealer := &linkSealer{aead: workerKeys.seal}
	seal := func(counter uint32, command string, plain []byte) []byte {
		out := make([]byte, linkTokenLen(len(plain)))
		sealer.sealInto(out, plain, counter, command)
		return out
	}
	first := seal(7, "syn_i_w_m", []byte("first"))
	second := seal(8, "syn_i_w_m", []byte("second"))

	opener := &linkOpener{aead: masterKeys.open}
	if got, err := opener.open(first, 7, "syn_i_w_m"); err != nil || string(got) != "first" {
		t.Fatalf("open: %q, %v", got, err)
	}
	// Fresh openers (no sequence seen yet) with the second payload as sent, but for one thing.
	for _, tc := range []struct {
		name    string
		open    cipher.AEAD
		counter uint32
		command string
	}{
		{"counter changed", masterKeys.open, 9, "syn_i_w_m"},
		{"command changed", masterKeys.open, 8, "syn_i_w_e"},
		{"other direction", workerKeys.open, 8, "syn_i_w_m"},
		{"other connection", otherKeys.open, 8, "syn_i_w_m"},
	} {
		if _, err := (&linkOpener{aead: tc.open}).open(second, tc.counter, tc.command); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", tc.name, err)
		}
	}
	if _, err := opener.open(first, 7, "syn_i_w_m"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("replayed: %v, want ErrDecrypt", err)
	}
	if _, err := opener.open(second[:linkOverhead-1], 8, "syn_i_w_m"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("truncated: %v, want ErrDecrypt", err)
	}
	plainReader := NewReader(bytes.NewReader(nil), key, ReaderLimits{})
	if _, _, err := plainReader.unseal(bytes.Clone(second), 8, "syn_i_w_m"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("no link cipher on this reader: %v, want ErrDecrypt", err)
	}
	if got, err := opener.open(second, 8, "syn_i_w_m"); err != nil || string(got) != "second" {
		t.Fatalf("the next payload after refusals: %q, %v", got, err)
	}
}

// Until the peer's first link-sealed payload, Fernet is accepted (some may have been on their
// way); after it, a Fernet payload can only be a replay of an earlier frame and is refused. Each
// frame says which cipher sealed it.
func TestFernetRefusedOnceTheLinkTookOver(t *testing.T) {
	key, _ := NewCipher(vectorKey)
	wn, mn := NewLinkNonce(), NewLinkNonce()
	workerKeys, _ := key.linkKeys(wn, mn, false)
	masterKeys, _ := key.linkKeys(wn, mn, true)
	sealer := &linkSealer{aead: workerKeys.seal}
	var stream bytes.Buffer
	fernet := messages.Frame{Counter: 1, Command: "keepalive", Payload: []byte("before")}
	for _, f := range []messages.Frame{fernet, {Counter: 2, Command: "keepalive", Payload: []byte("linked")}, fernet} {
		s := sealing{fernet: key}
		if f.Counter == 2 {
			s.link = sealer
		}
		encoded, err := appendMessage(nil, s, f, RequestChunk, time.Now().Unix(), nil)
		if err != nil {
			t.Fatal(err)
		}
		stream.Write(encoded)
	}
	r := NewReader(&stream, key, ReaderLimits{})
	r.useLink(&linkOpener{aead: masterKeys.open}, nil)
	for _, want := range []struct {
		payload string
		link    bool
	}{{"before", false}, {"linked", true}} {
		f, err := r.ReadFrame()
		if err != nil || string(f.Payload) != want.payload || f.Link != want.link {
			t.Fatalf("read %q (link %v), %v; want %q (link %v)", f.Payload, f.Link, err, want.payload, want.link)
		}
	}
	if f, err := r.ReadFrame(); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("a Fernet frame after the link took over: %q, %v", f.Payload, err)
	}
}

func TestLinkOfferRoundTrip(t *testing.T) {
	n := NewLinkNonce()
	got, ok := ParseLinkOffer(n.Offer())
	if !ok || got != n {
		t.Fatalf("ParseLinkOffer(%q) = %x, %v", n.Offer(), got, ok)
	}
	for _, tok := range []string{"pkg-s2", CapLinkCipher, CapLinkCipher + "=", CapLinkCipher + "=zz" + n.Offer()[len(CapLinkCipher)+3:],
		n.Offer() + "00", n.Offer()[:len(n.Offer())-1]} {
		if _, ok := ParseLinkOffer(tok); ok {
			t.Errorf("ParseLinkOffer(%q) accepted", tok)
		}
	}
}

// FuzzLinkOpen: whatever a peer sends as a link-sealed payload, opening it returns an error or
// what was sealed, and never panics.
func FuzzLinkOpen(f *testing.F) {
	key, _ := NewCipher(vectorKey)
	var wn, mn LinkNonce
	workerKeys, _ := key.linkKeys(wn, mn, false)
	masterKeys, _ := key.linkKeys(wn, mn, true)
	sealer := &linkSealer{aead: workerKeys.seal}
	sealed := make([]byte, linkTokenLen(5))
	sealer.sealInto(sealed, []byte("hello"), 1, "hello")
	f.Add(sealed, uint32(1), "hello")
	f.Add([]byte{linkMarker}, uint32(0), "")
	f.Add(bytes.Repeat([]byte{linkMarker}, linkOverhead), uint32(2), "keepalive")
	f.Fuzz(func(t *testing.T, token []byte, counter uint32, command string) {
		opener := &linkOpener{aead: masterKeys.open}
		plain, err := opener.open(token, counter, command)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error %v is not ErrDecrypt", err)
			}
			return
		}
		if !bytes.Equal(token, sealed) || string(plain) != "hello" {
			t.Fatalf("opened a payload that was not sealed: %q", plain)
		}
	})
}

func FuzzParseLinkOffer(f *testing.F) {
	f.Add(NewLinkNonce().Offer())
	f.Add(CapLinkCipher + "=")
	f.Fuzz(func(t *testing.T, tok string) {
		n, ok := ParseLinkOffer(tok)
		if ok && n.Offer() != tok && !bytes.EqualFold([]byte(n.Offer()), []byte(tok)) {
			t.Fatalf("%q parsed to %x", tok, n)
		}
	})
}
