package agentproto

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// frameHeaderLen is the 4-byte little-endian length before each TCP frame.
const frameHeaderLen = 4

// FrameReader reads the TCP framing of remoted: a 4-byte little-endian
// length, then that many payload bytes (≤ MaxMessage). Wrap the connection
// in a bufio.Reader when frames are small and many.
type FrameReader struct {
	r   io.Reader
	hdr [frameHeaderLen]byte
	buf []byte
}

// NewFrameReader reads frames from r.
func NewFrameReader(r io.Reader) *FrameReader {
	return &FrameReader{r: r}
}

// Next returns the next frame's payload, valid until the next call. It
// returns io.EOF at a clean end between frames, io.ErrUnexpectedEOF inside
// one, and ErrFrameTooBig (without reading the payload) when the announced
// length exceeds MaxMessage.
func (f *FrameReader) Next() ([]byte, error) {
	if _, err := io.ReadFull(f.r, f.hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read frame length: %w", err)
	}
	n := binary.LittleEndian.Uint32(f.hdr[:])
	if n > MaxMessage {
		return nil, fmt.Errorf("frame of %d bytes: %w", n, ErrFrameTooBig)
	}
	if cap(f.buf) < int(n) {
		f.buf = make([]byte, n, max(int(n), 1024))
	}
	f.buf = f.buf[:n]
	if _, err := io.ReadFull(f.r, f.buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %d-byte frame: %w", n, err)
	}
	return f.buf, nil
}

// AppendFrame appends payload with its length header to dst.
func AppendFrame(dst, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}
