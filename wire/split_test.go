package wire

import (
	"bytes"
	"io"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// splitReader returns its data in two reads cut at a given offset, like a TCP stream whose
// segments happen to break there (nats-server's split_test.go does the same for its parser).
type splitReader struct {
	parts [][]byte
}

func (s *splitReader) Read(p []byte) (int, error) {
	for len(s.parts) > 0 && len(s.parts[0]) == 0 {
		s.parts = s.parts[1:]
	}
	if len(s.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.parts[0])
	s.parts[0] = s.parts[0][n:]
	return n, nil
}

func TestReaderSplitAtEveryByte(t *testing.T) {
	v := loadDeterministicVectors(t)
	frames := []messages.Frame{
		{Counter: 1, Command: "hello", Payload: []byte("worker1 wazuh worker 4.14.7")},
		{Counter: 2, Command: "echo", Payload: bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), 6)},
		{Counter: 3, Command: "syn_i_w_m_p"},
		{Counter: 2, Command: "ok-m ", Payload: []byte("keepalive")},
	}
	for _, c := range []*Cipher{nil, v.cipherFor} {
		stream := encodeForTest(t, c, 64, frames...)
		for cut := 0; cut <= len(stream); cut++ {
			for _, second := range []int{cut, min(cut+HeaderLen/2, len(stream)), min(cut+97, len(stream))} {
				src := &splitReader{parts: [][]byte{stream[:cut], stream[cut:second], stream[second:]}}
				r := NewReader(src, c, ReaderLimits{})
				for i, want := range frames {
					got, err := r.ReadFrame()
					if err != nil {
						t.Fatalf("encrypted=%v cut %d/%d message %d: %v", c != nil, cut, second, i, err)
					}
					if got.Counter != want.Counter || got.Command != parsedName(want.Command) || !bytes.Equal(got.Payload, want.Payload) {
						t.Fatalf("encrypted=%v cut %d/%d message %d: got %d/%q/%q", c != nil, cut, second, i, got.Counter, got.Command, got.Payload)
					}
				}
				if _, err := r.ReadFrame(); err != io.EOF {
					t.Fatalf("encrypted=%v cut %d/%d: trailing %v", c != nil, cut, second, err)
				}
			}
		}
	}
}

// parsedName is what a receiver sees for a command a sender passed with trailing spaces.
func parsedName(sent string) string {
	return string(bytes.TrimRight([]byte(sent), " "))
}
