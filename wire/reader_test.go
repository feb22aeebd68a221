package wire

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"
	"testing/iotest"
	"time"

	"github.com/clusterd/clusterd/messages"
)

func encodeForTest(t testing.TB, c *Cipher, chunk int, frames ...messages.Frame) []byte {
	t.Helper()
	var out []byte
	for _, f := range frames {
		var err error
		if out, err = AppendMessage(out, c, f, chunk); err != nil {
			t.Fatalf("encoding %s: %v", f.Command, err)
		}
	}
	return out
}

func rawHeader(counter, size uint32, field string) []byte {
	b := make([]byte, HeaderLen)
	var f [CommandFieldLen]byte
	copy(f[:], field)
	putHeader(b, counter, size, &f)
	return b
}

func TestReaderSizesMatchTheBigFrameCapture(t *testing.T) {
	// The real peers' frame sizes for big messages follow from TokenLen and the split rule.
	c, _ := NewCipher(vectorKey)
	echo := c.TokenLen(6000000)
	if first, last := RequestChunk-HeaderLen, echo-(RequestChunk-HeaderLen); first != 5242860 || last != 2757240 {
		t.Fatalf("6 MB echo splits into %d + %d, capture says 5242860 + 2757240", first, last)
	}
	if partCount(6000000, echo, RequestChunk) != 2 {
		t.Fatalf("6 MB echo: %d parts, capture has 2", partCount(6000000, echo, RequestChunk))
	}
	if got := c.TokenLen(RequestChunk); got != 6990604 || partCount(RequestChunk, got, RequestChunk) != 1 {
		t.Fatalf("5 MiB str_upd: token %d in %d frames, capture has one frame of 6990604", got, partCount(RequestChunk, got, RequestChunk))
	}
	if got := c.TokenLen(3000027); got != 4000120 {
		t.Fatalf("file_upd: token %d, capture has 4000120", got)
	}
}

func TestReaderAcceptsZeroLengthPayload(t *testing.T) {
	r := NewReader(bytes.NewReader(rawHeader(9, 0, "get_hash ---")), nil, ReaderLimits{})
	f, err := r.ReadFrame()
	if err != nil || f.Command != "get_hash" || f.Counter != 9 || len(f.Payload) != 0 {
		t.Fatalf("got %+v, %v", f, err)
	}
	if _, err := r.ReadFrame(); err != io.EOF {
		t.Fatalf("then %v, want io.EOF", err)
	}
}

func TestReaderRefusesOversizeHeaderBeforeReadingIt(t *testing.T) {
	stream := rawHeader(1, MaxTotalSize+1, "ok ---------")
	r := NewReader(io.MultiReader(bytes.NewReader(stream), failingReader{t}), nil, ReaderLimits{})
	_, err := r.ReadFrame()
	if !errors.Is(err, ErrPayloadTooLarge) || Code(err) != 3050 {
		t.Fatalf("got %v (code %d), want ErrPayloadTooLarge/3050", err, Code(err))
	}
	if _, again := r.ReadFrame(); again != err {
		t.Fatalf("error not sticky: %v", again)
	}
	// MaxTotalSize itself is allowed: the reader then waits for the bytes.
	r = NewReader(bytes.NewReader(rawHeader(1, MaxTotalSize, "ok ---------")), nil, ReaderLimits{})
	if _, err := r.ReadFrame(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("header of exactly MaxTotalSize: %v, want io.ErrUnexpectedEOF", err)
	}
}

// failingReader fails the test if the Reader reads past a point it should have stopped at.
type failingReader struct{ t *testing.T }

func (f failingReader) Read([]byte) (int, error) {
	f.t.Error("reader read past a refused header")
	return 0, io.EOF
}

func TestReaderDoesNotAllocateFromTheHeader(t *testing.T) {
	// A hostile header claims 256 MiB and sends 10 bytes: memory must follow the bytes.
	stream := append(rawHeader(1, MaxTotalSize, "ok ---------"), make([]byte, 10)...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 4 {
		if _, err := NewReader(bytes.NewReader(stream), nil, ReaderLimits{}).ReadFrame(); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Fatalf("allocated %d bytes for four 10-byte payloads", grew)
	}
}

func TestReaderRefusesAnEleventhDividedMessage(t *testing.T) {
	var stream []byte
	for counter := range uint32(MaxConcurrentDivided + 1) {
		stream = append(stream, rawHeader(counter, 4, "echo ------d")...)
		stream = append(stream, "part"...)
	}
	r := NewReader(bytes.NewReader(stream), nil, ReaderLimits{})
	_, err := r.ReadFrame()
	if !errors.Is(err, ErrTooManyDivided) || Code(err) != 3051 {
		t.Fatalf("got %v (code %d), want ErrTooManyDivided/3051", err, Code(err))
	}
	// Ten at once are fine, and a further part of a known counter is not a new one.
	stream = stream[:MaxConcurrentDivided*(HeaderLen+4)]
	stream = append(stream, rawHeader(3, 4, "echo ------d")...)
	stream = append(stream, "more"...)
	stream = append(stream, rawHeader(3, 3, "echo -------")...)
	stream = append(stream, "end"...)
	f, err := NewReader(bytes.NewReader(stream), nil, ReaderLimits{}).ReadFrame()
	if err != nil || f.Counter != 3 || string(f.Payload) != "partmoreend" {
		t.Fatalf("got %+v, %v", f, err)
	}
}

func TestReaderBoundsAccumulatedDividedSize(t *testing.T) {
	limits := ReaderLimits{MaxTotalSize: 100}
	part := func(counter uint32, size int, flag byte) []byte {
		field := []byte("echo -------")
		field[MaxCommandLen] = flag
		return append(rawHeader(counter, uint32(size), string(field)), make([]byte, size)...)
	}
	cases := map[string][]byte{
		"one counter":    bytes.Join([][]byte{part(1, 60, 'd'), part(1, 41, '-')}, nil),
		"across counter": bytes.Join([][]byte{part(1, 60, 'd'), part(2, 41, 'd')}, nil),
	}
	for name, stream := range cases {
		_, err := NewReader(bytes.NewReader(stream), nil, limits).ReadFrame()
		if !errors.Is(err, ErrPayloadTooLarge) || Code(err) != 3050 {
			t.Errorf("%s: got %v, want ErrPayloadTooLarge", name, err)
		}
	}
	ok := bytes.Join([][]byte{part(1, 60, 'd'), part(1, 40, '-')}, nil)
	if f, err := NewReader(bytes.NewReader(ok), nil, limits).ReadFrame(); err != nil || len(f.Payload) != 100 {
		t.Fatalf("exactly the limit: %d bytes, %v", len(f.Payload), err)
	}
}

func TestReaderReportsWrongKeyAsDecryptError(t *testing.T) {
	ours, _ := NewCipher(vectorKey)
	theirs, _ := NewCipher(specKey)
	stream := encodeForTest(t, theirs, 0, messages.Frame{Counter: 1, Command: "hello", Payload: []byte("worker1 wazuh worker 4.14.7")})
	_, err := NewReader(bytes.NewReader(stream), ours, ReaderLimits{}).ReadFrame()
	if !errors.Is(err, ErrDecrypt) || Code(err) != 3025 {
		t.Fatalf("got %v (code %d), want ErrDecrypt/3025", err, Code(err))
	}
	// A divided message is opened once, at its last part.
	stream = encodeForTest(t, theirs, 64, messages.Frame{Counter: 2, Command: "echo", Payload: make([]byte, 200)})
	_, err = NewReader(bytes.NewReader(stream), ours, ReaderLimits{}).ReadFrame()
	if !errors.Is(err, ErrDecrypt) {
		t.Fatalf("divided: got %v, want ErrDecrypt", err)
	}
}

func TestReaderReportsTruncatedStreams(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	stream := encodeForTest(t, c, 64, messages.Frame{Counter: 2, Command: "echo", Payload: make([]byte, 200)})
	for _, cut := range []int{1, HeaderLen - 1, HeaderLen, HeaderLen + 1, len(stream) - 1} {
		_, err := NewReader(bytes.NewReader(stream[:cut]), c, ReaderLimits{}).ReadFrame()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d: got %v, want io.ErrUnexpectedEOF", cut, err)
		}
	}
	if _, err := NewReader(bytes.NewReader(nil), c, ReaderLimits{}).ReadFrame(); err != io.EOF {
		t.Errorf("empty stream: got %v, want io.EOF", err)
	}
}

func TestReaderInterleavesDividedAndSingleFrames(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	big := messages.Frame{Counter: 10, Command: "str_upd", Payload: randomPayload(300, 3)}
	small := messages.Frame{Counter: 11, Command: "echo-c", Payload: []byte("keepalive")}
	bigStream := encodeForTest(t, c, 100, big)
	smallStream := encodeForTest(t, c, 100, small)
	first := HeaderLen + 80 // first part of the divided message.
	stream := bytes.Join([][]byte{bigStream[:first], smallStream, bigStream[first:]}, nil)
	r := NewReader(bytes.NewReader(stream), c, ReaderLimits{})
	for _, want := range []messages.Frame{small, big} {
		got, err := r.ReadFrame()
		if err != nil || got.Counter != want.Counter || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("got %d/%d bytes, %v; want %d", got.Counter, len(got.Payload), err, want.Counter)
		}
	}
}

func TestReaderPayloadsDoNotAliasReusedBuffers(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	frames := []messages.Frame{
		{Counter: 1, Command: "a", Payload: bytes.Repeat([]byte{1}, 1000)},
		{Counter: 2, Command: "b", Payload: bytes.Repeat([]byte{2}, 1000)},
		{Counter: 3, Command: "c", Payload: bytes.Repeat([]byte{3}, 500)},
	}
	for _, cipher := range []*Cipher{nil, c} {
		r := NewReader(bytes.NewReader(encodeForTest(t, cipher, 300, frames...)), cipher, ReaderLimits{})
		var got []messages.Frame
		for range frames {
			f, err := r.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, f)
		}
		for i := range frames {
			if !bytes.Equal(got[i].Payload, frames[i].Payload) {
				t.Fatalf("encrypted=%v: payload %d changed after later reads", cipher != nil, i)
			}
		}
	}
}

// deadlineReader serves a header, then times out like a net.Conn whose read deadline passed.
type deadlineReader struct {
	data  []byte
	armed []time.Time
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if len(d.data) == 0 {
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(p, d.data)
	d.data = d.data[n:]
	return n, nil
}

func TestReaderArmsAndDisarmsThePayloadDeadline(t *testing.T) {
	full := append(rawHeader(1, 3, "ok ---------"), "abc"...)
	src := &deadlineReader{data: append(full, rawHeader(2, 5, "ok ---------")...)}
	r := NewReader(src, nil, ReaderLimits{})
	r.SetPayloadDeadline(time.Second, func(at time.Time) error {
		src.armed = append(src.armed, at)
		return nil
	})
	start := time.Now()
	if f, err := r.ReadFrame(); err != nil || string(f.Payload) != "abc" {
		t.Fatalf("first message: %+v, %v", f, err)
	}
	if len(src.armed) != 2 || src.armed[0].Before(start.Add(time.Second)) || !src.armed[1].IsZero() {
		t.Fatalf("deadline calls %v, want arm at +1s then disarm", src.armed)
	}
	_, err := r.ReadFrame()
	if !errors.Is(err, ErrPayloadDeadline) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("stalled payload: %v, want ErrPayloadDeadline", err)
	}
}

func TestReaderOneByteAtATime(t *testing.T) {
	c, _ := NewCipher(vectorKey)
	frames := []messages.Frame{
		{Counter: 1, Command: "hello", Payload: []byte("worker1 wazuh worker 4.14.7")},
		{Counter: 2, Command: "echo", Payload: randomPayload(400, 4)},
	}
	r := NewReader(iotest.OneByteReader(bytes.NewReader(encodeForTest(t, c, 64, frames...))), c, ReaderLimits{})
	for _, want := range frames {
		got, err := r.ReadFrame()
		if err != nil || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("%s: %d bytes, %v", want.Command, len(got.Payload), err)
		}
	}
}
