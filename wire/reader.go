package wire

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/clusterd/clusterd/messages"
)

const (
	// readStep is the first allocation for a payload. Buffers then double as bytes actually
	// arrive, so a header that merely claims 256 MiB costs nothing until the peer sends them.
	readStep = 64 << 10
	// maxRetainedBuffer is the largest scratch buffer a Reader keeps between messages: enough
	// for the token of an undivided RequestChunk message (about 7 MB), not for rare giants.
	maxRetainedBuffer = 8 << 20
)

// ReaderLimits are the receive-side limits of Wazuh 4.14.7. A zero (or negative) field means the
// package default: MaxTotalSize and MaxConcurrentDivided.
type ReaderLimits struct {
	// MaxTotalSize bounds a header's declared size, and the bytes held for divided messages
	// under reassembly, summed over all their counters and including the final part.
	MaxTotalSize int
	// MaxConcurrentDivided bounds how many counters may be under reassembly at once.
	MaxConcurrentDivided int
}

func (l ReaderLimits) withDefaults() ReaderLimits {
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = MaxTotalSize
	}
	if l.MaxConcurrentDivided <= 0 {
		l.MaxConcurrentDivided = MaxConcurrentDivided
	}
	return l
}

// Reader turns a byte stream into complete messages: it parses headers, enforces the limits,
// reassembles divided messages by counter and decrypts each message once. It is meant for one
// goroutine; only Stats may be called concurrently. After any error the stream position is
// unknown, so every later call returns the same error and the caller should close the
// connection, as Wazuh does.
type Reader struct {
	src    io.Reader
	cipher *Cipher
	limits ReaderLimits

	header [HeaderLen]byte
	// pending holds the token bytes of divided messages under reassembly, by counter.
	pending     map[uint32][]byte
	pendingSize int
	// tokenScratch is reused across encrypted messages; plaintext payloads are always fresh
	// allocations because they are handed to the caller.
	tokenScratch []byte

	setDeadline     func(time.Time) error
	payloadDeadline time.Duration

	frames atomic.Uint64
	bytes  atomic.Uint64
	err    error
}

// NewReader reads frames from r. A nil Cipher means the payloads are plaintext (local socket).
func NewReader(r io.Reader, c *Cipher, limits ReaderLimits) *Reader {
	return &Reader{
		src:     r,
		cipher:  c,
		limits:  limits.withDefaults(),
		pending: make(map[uint32][]byte),
	}
}

// SetPayloadDeadline makes the Reader call set(now+d) as soon as a header announcing a
// non-empty payload has been parsed, and set(time.Time{}) once that payload is complete. Pass
// a net.Conn's SetReadDeadline to reproduce Wazuh's 30-second payload deadline: a read that then
// times out mid-payload is reported as ErrPayloadDeadline. d ≤ 0 means PayloadDeadline.
func (r *Reader) SetPayloadDeadline(d time.Duration, set func(time.Time) error) {
	if d <= 0 {
		d = PayloadDeadline
	}
	r.payloadDeadline = d
	r.setDeadline = set
}

// Stats returns how many frames (divided parts count one each) and bytes, headers included,
// have been read so far. It is safe to call from any goroutine.
func (r *Reader) Stats() (frames, bytes uint64) {
	return r.frames.Load(), r.bytes.Load()
}

// ReadFrame returns the next complete message. A clean end of stream between frames is io.EOF;
// an end inside a frame is io.ErrUnexpectedEOF (wrapped).
func (r *Reader) ReadFrame() (messages.Frame, error) {
	if r.err != nil {
		return messages.Frame{}, r.err
	}
	f, err := r.next()
	if err != nil {
		r.err = err
		return messages.Frame{}, err
	}
	return f, nil
}

func (r *Reader) next() (messages.Frame, error) {
	for {
		if _, err := io.ReadFull(r.src, r.header[:]); err != nil {
			if err == io.EOF {
				return messages.Frame{}, io.EOF
			}
			return messages.Frame{}, fmt.Errorf("wire: reading header: %w", err)
		}
		r.frames.Add(1)
		r.bytes.Add(HeaderLen)
		h, err := ParseHeader(r.header[:])
		if err != nil {
			return messages.Frame{}, err
		}
		if int64(h.Size) > int64(r.limits.MaxTotalSize) {
			return messages.Frame{}, fmt.Errorf("%w: header of counter %d announces %d bytes, limit %d",
				ErrPayloadTooLarge, h.Counter, h.Size, r.limits.MaxTotalSize)
		}
		size := int(h.Size)

		partial, reassembling := r.pending[h.Counter]
		if !h.Divided && !reassembling {
			payload, err := r.readSingle(size)
			if err != nil {
				return messages.Frame{}, fmt.Errorf("wire: %s frame, counter %d: %w", h.Command, h.Counter, err)
			}
			return messages.Frame{Counter: h.Counter, Command: h.Command, Payload: payload}, nil
		}

		if !reassembling && len(r.pending) >= r.limits.MaxConcurrentDivided {
			return messages.Frame{}, fmt.Errorf("%w: counter %d would be number %d, limit %d",
				ErrTooManyDivided, h.Counter, len(r.pending)+1, r.limits.MaxConcurrentDivided)
		}
		if r.pendingSize+size > r.limits.MaxTotalSize {
			return messages.Frame{}, fmt.Errorf("%w: divided messages would hold %d bytes, limit %d",
				ErrPayloadTooLarge, r.pendingSize+size, r.limits.MaxTotalSize)
		}
		// A divided message starts from nothing rather than from the token scratch: it will
		// outgrow the scratch anyway (parts are RequestChunk−20 bytes), and the scratch stays
		// available to the single frames that may arrive in between.
		before := len(partial)
		partial, err = r.readPayload(partial, size, growDivided)
		r.pendingSize += len(partial) - before
		r.pending[h.Counter] = partial
		if err != nil {
			return messages.Frame{}, fmt.Errorf("wire: divided %s, counter %d: %w", h.Command, h.Counter, err)
		}
		if h.Divided {
			continue
		}

		delete(r.pending, h.Counter)
		r.pendingSize -= len(partial)
		payload, err := r.unseal(partial)
		if err != nil {
			return messages.Frame{}, fmt.Errorf("wire: divided %s, counter %d: %w", h.Command, h.Counter, err)
		}
		return messages.Frame{Counter: h.Counter, Command: h.Command, Payload: payload}, nil
	}
}

// readSingle reads and opens the payload of an undivided frame.
func (r *Reader) readSingle(size int) ([]byte, error) {
	token, err := r.readPayload(r.takeTokenScratch(), size, growExact)
	if err != nil {
		return nil, err
	}
	return r.unseal(token)
}

// takeTokenScratch lends the reusable token buffer for an encrypted payload. Plaintext payloads
// get a fresh buffer since the caller keeps it.
func (r *Reader) takeTokenScratch() []byte {
	if r.cipher == nil {
		return nil
	}
	b := r.tokenScratch[:0]
	r.tokenScratch = nil
	return b
}

// unseal decrypts a complete token and takes the token buffer back for reuse.
func (r *Reader) unseal(token []byte) ([]byte, error) {
	if r.cipher == nil {
		return token, nil
	}
	plain, err := r.cipher.open(token)
	if cap(token) > maxRetainedBuffer {
		putBuffer(token)
	} else {
		r.tokenScratch = retainable(token, r.tokenScratch)
	}
	return plain, err
}

// retainable picks which of two scratch buffers to keep: the larger one, unless it is too big
// to hold on to between messages.
func retainable(candidate, current []byte) []byte {
	if cap(candidate) > maxRetainedBuffer || cap(candidate) <= cap(current) {
		return current
	}
	return candidate
}

// readPayload appends exactly n bytes from the stream to buf, growing it only as bytes arrive,
// with the payload deadline armed meanwhile.
func (r *Reader) readPayload(buf []byte, n int, grow growthPolicy) ([]byte, error) {
	if n == 0 {
		return buf, nil
	}
	if r.setDeadline != nil {
		if err := r.setDeadline(time.Now().Add(r.payloadDeadline)); err != nil {
			return buf, fmt.Errorf("arming payload deadline: %w", err)
		}
	}
	for n > 0 {
		if len(buf) == cap(buf) {
			buf = grow.extend(buf, n)
		}
		k := min(n, cap(buf)-len(buf))
		m, err := io.ReadFull(r.src, buf[len(buf):len(buf)+k])
		buf = buf[:len(buf)+m]
		n -= m
		r.bytes.Add(uint64(m))
		if err != nil {
			return buf, r.payloadError(err, n)
		}
	}
	if r.setDeadline != nil {
		if err := r.setDeadline(time.Time{}); err != nil {
			return buf, fmt.Errorf("disarming payload deadline: %w", err)
		}
	}
	return buf, nil
}

// growthPolicy decides how a payload buffer grows. Either way capacity at most doubles per
// step, so memory stays within twice what the peer has actually sent.
type growthPolicy bool

const (
	// growExact never grows past the end of the frame, so a buffer that received a whole
	// frame has exactly its size (and can be retained as scratch when small enough).
	growExact growthPolicy = false
	// growDivided keeps doubling across the parts of a divided message, whose total size no
	// header announces; growing part by part instead would copy the message once per part.
	growDivided growthPolicy = true
)

// extend makes room for more of a frame of which missing bytes are still to come.
func (g growthPolicy) extend(buf []byte, missing int) []byte {
	step := max(readStep, cap(buf))
	if g == growExact {
		step = min(step, missing)
	}
	grown := getBuffer(len(buf) + step)[:len(buf)]
	copy(grown, buf)
	putBuffer(buf)
	return grown
}

func (r *Reader) payloadError(err error, missing int) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if r.setDeadline != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v, %d bytes missing): %w", ErrPayloadDeadline, r.payloadDeadline, missing, err)
	}
	return fmt.Errorf("reading payload (%d bytes missing): %w", missing, err)
}
