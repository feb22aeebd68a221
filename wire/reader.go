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
)

// ReaderLimits are the receive-side limits of Wazuh 4.14.7. A zero (or negative) field means the
// package default: MaxTotalSize and MaxConcurrentDivided.
type ReaderLimits struct {
	// MaxTotalSize bounds a header's declared size, and the bytes held for divided messages
	// under reassembly, summed over all their counters and including the final part.
	MaxTotalSize int
	// MaxConcurrentDivided bounds how many counters may be under reassembly at once.
	MaxConcurrentDivided int
	// PreAuthSize, when positive, bounds every frame until Authenticated is called: nothing
	// but a small hello is valid before a peer has proven it holds the key, so a header that
	// announces more, or a divided part, ends the connection before anything is allocated.
	PreAuthSize int
	// Budget, when set, is the node-wide budget every receive buffer is drawn from.
	Budget *ReceiveBudget
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

	// preAuth is the frame size bound until the peer is authenticated; 0 once it is.
	preAuth atomic.Int64
	// account is what the reader holds of the node's receive budget (nil: no budget); cancel
	// ends a wait for budget when the connection closes.
	account *receiveAccount
	cancel  <-chan struct{}

	setDeadline     func(time.Time) error
	payloadDeadline time.Duration
	// payloadDue is when the payload being read must be complete.
	payloadDue time.Time
	// partDeadline is set while the socket's deadline bounds the wait for the next part of a
	// divided message.
	partDeadline bool

	// link opens link-sealed payloads once the connection uses the link cipher; linkOpened is
	// set after the first one opened.
	link       atomic.Pointer[readerLink]
	linkOpened bool

	frames atomic.Uint64
	bytes  atomic.Uint64
	err    error
}

// readerLink is the link cipher's opener and what to do once it first opened a payload.
type readerLink struct {
	opener *linkOpener
	opened func()
}

// useLink makes the reader open link-sealed payloads with o; opened (may be nil) runs on the
// reading goroutine after the first one. It is safe to call from any goroutine.
func (r *Reader) useLink(o *linkOpener, opened func()) {
	r.link.Store(&readerLink{opener: o, opened: opened})
}

// NewReader reads frames from r. A nil Cipher means the payloads are plaintext (local socket).
func NewReader(r io.Reader, c *Cipher, limits ReaderLimits) *Reader {
	rd := &Reader{
		src:             r,
		cipher:          c,
		limits:          limits.withDefaults(),
		pending:         make(map[uint32][]byte),
		payloadDeadline: PayloadDeadline,
	}
	rd.preAuth.Store(int64(max(limits.PreAuthSize, 0)))
	if limits.Budget != nil {
		rd.account = &receiveAccount{budget: limits.Budget}
	}
	return rd
}

// Authenticated lifts the pre-authentication bound: the peer's hello succeeded. It is safe to
// call from any goroutine; the bound no longer applies from the next header on.
func (r *Reader) Authenticated() { r.preAuth.Store(0) }

// CancelWaits makes a wait for receive budget end, with ErrClosed, once done is closed.
func (r *Reader) CancelWaits(done <-chan struct{}) { r.cancel = done }

// Release frees every buffer the Reader holds and gives its budget back. Call it once the
// reading goroutine has stopped; the Reader is unusable afterwards.
func (r *Reader) Release() {
	for counter, partial := range r.pending {
		r.drop(partial)
		delete(r.pending, counter)
	}
	r.pendingSize = 0
	r.account.releaseAll()
	if r.err == nil {
		r.err = ErrClosed
	}
}

// drop recycles a token buffer and gives its budget back.
func (r *Reader) drop(buf []byte) {
	r.account.release(int64(cap(buf)))
	putBuffer(buf)
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
		if err := r.armPartDeadline(); err != nil {
			return messages.Frame{}, err
		}
		if _, err := io.ReadFull(r.src, r.header[:]); err != nil {
			if err == io.EOF && len(r.pending) == 0 {
				return messages.Frame{}, io.EOF
			}
			if r.partDeadline && errors.Is(err, os.ErrDeadlineExceeded) {
				return messages.Frame{}, fmt.Errorf("%w: no part of a divided message for %v", ErrPayloadDeadline, r.payloadDeadline)
			}
			return messages.Frame{}, fmt.Errorf("wire: reading header: %w", err)
		}
		r.frames.Add(1)
		r.bytes.Add(HeaderLen)
		h, err := ParseHeader(r.header[:])
		if err != nil {
			return messages.Frame{}, err
		}
		if limit := r.preAuth.Load(); limit > 0 && (h.Divided || int64(h.Size) > limit) {
			return messages.Frame{}, fmt.Errorf("%w: %q header of counter %d announces %d bytes (divided: %v), limit %d",
				ErrPreAuthTooLarge, h.Command, h.Counter, h.Size, h.Divided, limit)
		}
		if int64(h.Size) > int64(r.limits.MaxTotalSize) {
			return messages.Frame{}, fmt.Errorf("%w: header of counter %d announces %d bytes, limit %d",
				ErrPayloadTooLarge, h.Counter, h.Size, r.limits.MaxTotalSize)
		}
		size := int(h.Size)

		partial, reassembling := r.pending[h.Counter]
		if !h.Divided && !reassembling {
			payload, link, err := r.readSingle(size, size <= SmallFrame, h.Counter, h.Command)
			if err != nil {
				return messages.Frame{}, fmt.Errorf("wire: %q frame, counter %d: %w", h.Command, h.Counter, err)
			}
			return messages.Frame{Counter: h.Counter, Link: link, Command: h.Command, Payload: payload}, nil
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
		partial, err = r.readPayload(partial, size, growDivided, false)
		r.pendingSize += len(partial) - before
		r.pending[h.Counter] = partial
		if err != nil {
			return messages.Frame{}, fmt.Errorf("wire: divided %q, counter %d: %w", h.Command, h.Counter, err)
		}
		if h.Divided {
			continue
		}

		delete(r.pending, h.Counter)
		r.pendingSize -= len(partial)
		payload, link, err := r.unseal(partial, h.Counter, h.Command)
		if err != nil {
			return messages.Frame{}, fmt.Errorf("wire: divided %q, counter %d: %w", h.Command, h.Counter, err)
		}
		return messages.Frame{Counter: h.Counter, Link: link, Command: h.Command, Payload: payload}, nil
	}
}

// armPartDeadline gives a peer that has divided messages under reassembly the payload deadline
// to start its next frame: an honest sender writes the parts back to back, and parts left
// waiting would otherwise hold their buffers (and the node's budget) for as long as the peer
// keeps the connection open. The deadline is cleared once nothing is under reassembly.
func (r *Reader) armPartDeadline() error {
	if r.setDeadline == nil || (len(r.pending) == 0 && !r.partDeadline) {
		return nil
	}
	var due time.Time
	if len(r.pending) > 0 {
		due = time.Now().Add(r.payloadDeadline)
	}
	r.partDeadline = len(r.pending) > 0
	if err := r.setDeadline(due); err != nil {
		return fmt.Errorf("wire: arming the deadline of the next part: %w", err)
	}
	return nil
}

// readSingle reads and opens the payload of an undivided frame; small frames may draw on the
// budget's reserve.
func (r *Reader) readSingle(size int, small bool, counter uint32, command string) (payload []byte, link bool, err error) {
	token, err := r.readPayload(nil, size, growExact, small)
	if err != nil {
		r.drop(token)
		return nil, false, err
	}
	return r.unseal(token, counter, command)
}

// unseal decrypts a complete token and recycles the token buffer, and reports whether the link
// cipher sealed it. Without a cipher the token is the payload and goes to the caller: only its
// budget is given back. A payload sealed with the link cipher (once the connection uses it) is
// opened with it, any other with Fernet until the first link-sealed one has been opened: the
// peer seals in the order it writes, so a Fernet payload after that can only be a replay.
func (r *Reader) unseal(token []byte, counter uint32, command string) (plain []byte, link bool, err error) {
	if r.cipher == nil {
		r.account.release(int64(cap(token)))
		return token, false, nil
	}
	switch l := r.link.Load(); {
	case l != nil && len(token) > 0 && token[0] == linkMarker:
		link = true
		plain, err = l.opener.open(token, counter, command)
		if err == nil && !r.linkOpened {
			r.linkOpened = true
			if l.opened != nil {
				l.opened()
			}
		}
	case r.linkOpened:
		err = fmt.Errorf("%w: a Fernet payload after the link cipher took over (replayed)", ErrDecrypt)
	default:
		plain, err = r.cipher.open(token)
	}
	r.drop(token)
	return plain, link, err
}

// readPayload appends exactly n bytes from the stream to buf, growing it only as bytes arrive,
// with the payload deadline armed meanwhile.
func (r *Reader) readPayload(buf []byte, n int, grow growthPolicy, small bool) ([]byte, error) {
	if n == 0 {
		return buf, nil
	}
	r.payloadDue = time.Now().Add(r.payloadDeadline)
	if r.setDeadline != nil {
		if err := r.setDeadline(r.payloadDue); err != nil {
			return buf, fmt.Errorf("arming payload deadline: %w", err)
		}
	}
	for n > 0 {
		if len(buf) == cap(buf) {
			var err error
			if buf, err = r.extend(buf, n, grow, small); err != nil {
				return buf, err
			}
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

// extend makes room for more of a frame of which missing bytes are still to come. The new
// buffer's budget is taken before it is allocated, and the old one's given back after the copy,
// so the budget counts both while both exist.
func (r *Reader) extend(buf []byte, missing int, g growthPolicy, small bool) ([]byte, error) {
	step := max(readStep, cap(buf))
	if g == growExact {
		step = min(step, missing)
	}
	size := len(buf) + step
	if err := r.account.acquire(int64(bufferCap(size)), small, r.payloadDue, r.cancel); err != nil {
		return buf, err
	}
	grown := getBuffer(size)[:len(buf)]
	copy(grown, buf)
	r.drop(buf)
	return grown, nil
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
