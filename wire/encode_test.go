package wire

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// splitFrames cuts an encoded stream into its frames, checking that each header's size is
// consistent with what follows.
func splitFrames(t testing.TB, stream []byte) []Header {
	t.Helper()
	var out []Header
	for len(stream) > 0 {
		h, err := ParseHeader(stream)
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		if int(h.Size) > len(stream)-HeaderLen {
			t.Fatalf("frame %d announces %d bytes, %d left", len(out), h.Size, len(stream)-HeaderLen)
		}
		out = append(out, h)
		stream = stream[HeaderLen+int(h.Size):]
	}
	return out
}

func randomPayload(n int, seed uint64) []byte {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(n)
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

func TestAppendMessageDividesAroundTheChunkBoundary(t *testing.T) {
	key, _ := NewCipher(vectorKey)
	const chunk = 64
	for _, c := range []*Cipher{nil, key} {
		for _, n := range []int{0, 1, chunk - 1, chunk, chunk + 1, 2*chunk + 5, 3*chunk - HeaderLen, 10 * chunk} {
			f := messages.Frame{Counter: 0xfffffffe, Command: "syn_i_w_m_p", Payload: randomPayload(n, 1)}
			stream, err := AppendMessage([]byte("prefix"), c, f, chunk)
			if err != nil {
				t.Fatalf("encrypted=%v n=%d: %v", c != nil, n, err)
			}
			if string(stream[:6]) != "prefix" {
				t.Fatalf("dst prefix overwritten")
			}
			stream = stream[6:]
			headers := splitFrames(t, stream)
			tokenLen := c.TokenLen(n)
			wantParts := 1
			if n > chunk {
				wantParts = (tokenLen + chunk - HeaderLen - 1) / (chunk - HeaderLen)
			}
			if len(headers) != wantParts {
				t.Fatalf("encrypted=%v n=%d: %d frames, want %d", c != nil, n, len(headers), wantParts)
			}
			total := 0
			for i, h := range headers {
				last := i == len(headers)-1
				if h.Divided == last || h.Counter != f.Counter || h.Command != f.Command {
					t.Fatalf("n=%d frame %d: %+v", n, i, h)
				}
				if !last && int(h.Size) != chunk-HeaderLen {
					t.Fatalf("n=%d frame %d: size %d, want %d", n, i, h.Size, chunk-HeaderLen)
				}
				total += int(h.Size)
			}
			if total != tokenLen {
				t.Fatalf("n=%d: frames carry %d bytes, token is %d", n, total, tokenLen)
			}
			if wantParts > 1 {
				lastField := stream[len(stream)-int(headers[len(headers)-1].Size)-HeaderLen+8:][:CommandFieldLen]
				if string(lastField) != "syn_i_w_m_p-" {
					t.Fatalf("last part field %q, want %q (msg_build's flag reset)", lastField, "syn_i_w_m_p-")
				}
			}
			got, err := NewReader(bytes.NewReader(stream), c, ReaderLimits{}).ReadFrame()
			if err != nil || got.Counter != f.Counter || got.Command != f.Command || !bytes.Equal(got.Payload, f.Payload) {
				t.Fatalf("encrypted=%v n=%d: read back %d/%q/%d bytes, %v", c != nil, n, got.Counter, got.Command, len(got.Payload), err)
			}
		}
	}
}

func TestAppendMessageSplitsExactlyLikeTheSpecExample(t *testing.T) {
	// §1.4: request_chunk 30, no encryption, 45-byte payload → sizes 10,10,10,10,5.
	stream, err := AppendMessage(nil, nil, messages.Frame{Counter: 7, Command: "syn_i_w_m_p", Payload: make([]byte, 45)}, 30)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []uint32
	var fields []string
	for off := 0; off < len(stream); {
		h, _ := ParseHeader(stream[off:])
		sizes = append(sizes, h.Size)
		fields = append(fields, string(stream[off+8:off+HeaderLen]))
		off += HeaderLen + int(h.Size)
	}
	wantFields := []string{"syn_i_w_m_pd", "syn_i_w_m_pd", "syn_i_w_m_pd", "syn_i_w_m_pd", "syn_i_w_m_p-"}
	if len(sizes) != 5 || sizes[4] != 5 || sizes[0] != 10 {
		t.Fatalf("sizes %v, want [10 10 10 10 5]", sizes)
	}
	for i := range fields {
		if fields[i] != wantFields[i] {
			t.Fatalf("fields %q, want %q", fields, wantFields)
		}
	}
	one, _ := AppendMessage(nil, nil, messages.Frame{Counter: 7, Command: "syn_i_w_m_p", Payload: make([]byte, 30)}, 30)
	if len(one) != HeaderLen+30 || string(one[8:HeaderLen]) != "syn_i_w_m_p " {
		t.Fatalf("30-byte payload: %d bytes, field %q", len(one), one[8:HeaderLen])
	}
}

func TestAppendMessageRefusesWhatCannotBeSent(t *testing.T) {
	if _, err := AppendMessage(nil, nil, messages.Frame{Command: "twelve_chars"}, 0); Code(err) != 3024 {
		t.Fatalf("long command: %v", err)
	}
	if _, err := AppendMessage(nil, nil, messages.Frame{Command: "ok"}, HeaderLen); !errors.Is(err, ErrBadChunk) {
		t.Fatalf("chunk of %d: %v", HeaderLen, err)
	}
}

func TestRealSizeDividedMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of MiB")
	}
	c, _ := NewCipher(vectorKey)
	for _, n := range []int{RequestChunk, RequestChunk + 1, 20<<20 + 3} {
		f := messages.Frame{Counter: 4170251948, Command: "echo", Payload: randomPayload(n, 2)}
		stream, err := AppendMessage(nil, c, f, RequestChunk)
		if err != nil {
			t.Fatal(err)
		}
		headers := splitFrames(t, stream)
		wantParts := partCount(n, c.TokenLen(n), RequestChunk)
		if len(headers) != wantParts || (n > RequestChunk) != (wantParts > 1) {
			t.Fatalf("%d bytes: %d frames, want %d", n, len(headers), wantParts)
		}
		if n > RequestChunk && headers[0].Size != RequestChunk-HeaderLen {
			t.Fatalf("%d bytes: first part of %d bytes, want %d", n, headers[0].Size, RequestChunk-HeaderLen)
		}
		r := NewReader(bytes.NewReader(stream), c, ReaderLimits{})
		got, err := r.ReadFrame()
		if err != nil || !bytes.Equal(got.Payload, f.Payload) {
			t.Fatalf("%d bytes: read back %d bytes, %v", n, len(got.Payload), err)
		}
		if _, err := r.ReadFrame(); err != io.EOF {
			t.Fatalf("%d bytes: trailing data: %v", n, err)
		}
	}
}
