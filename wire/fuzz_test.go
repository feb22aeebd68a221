package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// fuzzSeeds returns real wire streams from the vectors, plus a few hostile headers.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range loadDeterministicVectors(t).Cases {
		seeds = append(seeds, c.stream(t))
	}
	for _, file := range []string{"live_capture_sample.jsonl", "live_hello_rejections.jsonl"} {
		for _, rec := range loadJSONLines[capturedFrame](t, file) {
			seeds = append(seeds, mustDecodeHex(t, rec.FrameHex))
		}
	}
	for _, rec := range loadJSONLines[bigFrameHeader](t, "big_frames_headers.jsonl") {
		seeds = append(seeds, mustDecodeHex(t, rec.HeaderHex))
	}
	seeds = append(seeds,
		rawHeader(1, MaxTotalSize+1, "ok ---------"),
		rawHeader(1, 0, "ok ---------"),
		append(rawHeader(1, 4, "echo ------d"), "abcd"...),
	)
	return seeds
}

func FuzzReader(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	key, err := NewCipher(vectorKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stream []byte, encrypted bool) {
		c := key
		if !encrypted {
			c = nil
		}
		// Every buffer is drawn from a budget, which must be whole again once the Reader is
		// released; odd-length streams also run under the pre-authentication bound.
		budget := NewReceiveBudget(1<<20, 1<<20, 64<<10)
		limits := ReaderLimits{Budget: budget}
		if len(stream)%2 == 1 {
			limits.PreAuthSize = 8 << 10
		}
		r := NewReader(bytes.NewReader(stream), c, limits)
		consumed := 0
		for {
			frame, err := r.ReadFrame()
			if err != nil {
				if _, again := r.ReadFrame(); again != err {
					t.Fatalf("error not sticky: %v then %v", err, again)
				}
				r.Release()
				if n := budget.InUse(); n != 0 {
					t.Fatalf("%d bytes of budget held after Release", n)
				}
				return
			}
			if len(frame.Command) > MaxCommandLen || bytes.IndexByte([]byte(frame.Command), ' ') >= 0 {
				t.Fatalf("parsed command %q", frame.Command)
			}
			consumed += HeaderLen + len(frame.Payload)
			if c == nil && consumed > len(stream) {
				t.Fatalf("plaintext frames hold %d bytes out of a %d-byte stream", consumed, len(stream))
			}
		}
	})
}

func FuzzParseHeader(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed[:min(len(seed), HeaderLen+4)])
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, err := ParseHeader(raw)
		if len(raw) < HeaderLen {
			if !errors.Is(err, ErrBadHeader) {
				t.Fatalf("%d bytes: %v", len(raw), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid length refused: %v", err)
		}
		// What the parser yields is always something Put can write back identically.
		var again [HeaderLen]byte
		h.Put(again[:])
		if !bytes.Equal(again[:8], raw[:8]) {
			t.Fatalf("counter/size not preserved: %x vs %x", again[:8], raw[:8])
		}
		if back, err := ParseHeader(again[:]); err != nil || back != h {
			t.Fatalf("Put/Parse round trip: %+v → %+v (%v)", h, back, err)
		}
	})
}

func FuzzDecrypt(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		if len(seed) > HeaderLen {
			f.Add(seed[HeaderLen:])
		}
	}
	c, err := NewCipher(vectorKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token []byte) {
		plain, err := c.Decrypt(token)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error outside ErrDecrypt: %v", err)
			}
			return
		}
		// Anything accepted is at least as long as the token we would produce for that plaintext
		// (the base64 decoder skips line breaks, as Python's lenient decoder does).
		if len(token) < c.TokenLen(len(plain)) {
			t.Fatalf("accepted %d-byte token for %d-byte plaintext", len(token), len(plain))
		}
	})
}

func FuzzMessageRoundTrip(f *testing.F) {
	for _, c := range loadDeterministicVectors(f).Cases {
		f.Add(c.Counter, c.CommandArg, mustDecodeHex(f, c.PlaintextHex), uint16(c.RequestChunk), c.Encrypted)
	}
	key, err := NewCipher(vectorKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, counter uint32, command string, payload []byte, chunk uint16, encrypted bool) {
		c := key
		if !encrypted {
			c = nil
		}
		msg := messages.Frame{Counter: counter, Command: command, Payload: payload}
		stream, err := AppendMessage(nil, c, msg, int(chunk))
		if err != nil {
			if len(command) <= MaxCommandLen && (chunk == 0 || chunk > HeaderLen) {
				t.Fatalf("refused a valid message: %v", err)
			}
			return
		}
		got, err := NewReader(bytes.NewReader(stream), c, ReaderLimits{}).ReadFrame()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		// The receiver cuts the command at its first space, as Wazuh's parser does.
		want := command
		if i := strings.IndexByte(want, ' '); i >= 0 {
			want = want[:i]
		}
		if got.Counter != counter || got.Command != want || !bytes.Equal(got.Payload, payload) {
			t.Fatalf("got %d/%q/%d bytes, want %d/%q/%d bytes", got.Counter, got.Command, len(got.Payload), counter, want, len(payload))
		}
	})
}
