package agentproto

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// compressionLevel of outgoing messages. Wazuh compresses at level 9
// (Z_BEST_COMPRESSION), but the level is not part of the protocol: any zlib
// stream inflates the same. At level 9 the Go compressor clears its large
// match tables on every reset, which costs about 20 µs per message and
// dominates small messages; level 5 resets cheaply and its output is only
// ~7% larger on typical events and keepalives.
const compressionLevel = 5

// deflater is a reusable zlib writer with its output buffer; a new
// writer costs far more than compressing one message, so they are pooled.
type deflater struct {
	out bytes.Buffer
	zw  *zlib.Writer
}

var deflaters = sync.Pool{New: func() any {
	d := &deflater{}
	zw, err := zlib.NewWriterLevel(&d.out, compressionLevel)
	if err != nil {
		// Only an invalid level fails, and the level is a constant.
		panic(err)
	}
	d.zw = zw
	return d
}}

// compress returns zlib(block); the result is valid until d is reused.
func (d *deflater) compress(block []byte) ([]byte, error) {
	d.out.Reset()
	d.zw.Reset(&d.out)
	if _, err := d.zw.Write(block); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if err := d.zw.Close(); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	return d.out.Bytes(), nil
}

// inflater is a reusable zlib reader with its input reader and an output
// buffer large enough for the biggest accepted message plus one byte, which
// detects an over-long stream.
type inflater struct {
	in  bytes.Reader
	zr  io.ReadCloser
	out []byte
}

var inflaters = sync.Pool{New: func() any {
	return &inflater{out: make([]byte, MaxMessage+1)}
}}

// errInflatedTooBig marks a stream that inflates beyond MaxMessage.
var errInflatedTooBig = errors.New("inflated message exceeds the maximum size")

// inflate returns the decompressed form of z, at most MaxMessage bytes; the
// result is valid until f is reused.
func (f *inflater) inflate(z []byte) ([]byte, error) {
	f.in.Reset(z)
	if f.zr == nil {
		zr, err := zlib.NewReader(&f.in)
		if err != nil {
			return nil, err
		}
		f.zr = zr
	} else if err := f.zr.(zlib.Resetter).Reset(&f.in, nil); err != nil {
		return nil, err
	}
	// io.ReadFull cannot be used: it folds a clean end of stream and a
	// truncated one (io.ErrUnexpectedEOF from the decompressor) together.
	n := 0
	for {
		m, err := f.zr.Read(f.out[n:])
		n += m
		if err == io.EOF {
			if n > MaxMessage {
				return nil, errInflatedTooBig
			}
			return f.out[:n], nil
		}
		if err != nil {
			return nil, err
		}
		if n == len(f.out) {
			return nil, errInflatedTooBig
		}
	}
}
