package wire

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clusterd/clusterd/messages"
)

const (
	defaultQueueLen     = 256
	defaultWriteTimeout = 60 * time.Second
)

// ConnConfig configures a Conn. Zero fields take the defaults given on each field.
type ConnConfig struct {
	// Cipher seals and opens every payload; nil for the unencrypted local socket.
	Cipher *Cipher
	// QueueLen is how many outbound messages may wait before Send reports ErrQueueFull
	// (default 256).
	QueueLen int
	// Limits are the receive-side limits (defaults: Wazuh 4.14.7's).
	Limits ReaderLimits
	// Chunk is the plaintext size above which an outbound message is divided (default
	// RequestChunk).
	Chunk int
	// WriteTimeout bounds each write to the socket (default 60 s).
	WriteTimeout time.Duration
	// PayloadDeadline is how long a peer has to deliver a payload once its header has been
	// read (default PayloadDeadline, 30 s).
	PayloadDeadline time.Duration
}

func (cfg ConnConfig) withDefaults() ConnConfig {
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = defaultQueueLen
	}
	if cfg.Chunk <= 0 {
		cfg.Chunk = RequestChunk
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = defaultWriteTimeout
	}
	if cfg.PayloadDeadline <= 0 {
		cfg.PayloadDeadline = PayloadDeadline
	}
	cfg.Limits = cfg.Limits.withDefaults()
	return cfg
}

// ConnStats is a snapshot of a connection's traffic. Frames count divided parts one by one;
// bytes include headers. Outbound figures count what has been written to the socket, so they
// may trail a reply the peer has already sent back.
type ConnStats struct {
	MessagesIn  uint64
	MessagesOut uint64
	FramesIn    uint64
	FramesOut   uint64
	BytesIn     uint64
	BytesOut    uint64
	QueueDepth  int
	QueueCap    int
}

// Conn adapts one socket to whole messages: a reader goroutine decodes inbound frames and hands
// each complete message to a callback; a writer goroutine drains a bounded queue, encoding and
// encrypting messages itself so that senders never pay for it. Back-pressure is the queue: Send
// fails fast with ErrQueueFull instead of blocking the caller.
type Conn struct {
	nc     net.Conn
	cfg    ConnConfig
	reader *Reader

	queue     chan messages.Frame
	closing   chan struct{}
	closeOnce sync.Once
	finished  chan struct{}

	// sealer is the link cipher this end seals with once both ends use it (UseLinkCipher); only
	// the writer seals with it.
	sealer    atomic.Pointer[linkSealer]
	linkKeyed atomic.Bool

	started atomic.Bool
	running atomic.Int32
	onDone  func(error)

	mu        sync.Mutex
	reason    error
	reasonSet bool

	messagesIn  atomic.Uint64
	messagesOut atomic.Uint64
	framesOut   atomic.Uint64
	bytesOut    atomic.Uint64
}

// NewConn wraps nc. Nothing is read or written until Start.
func NewConn(nc net.Conn, cfg ConnConfig) *Conn {
	cfg = cfg.withDefaults()
	c := &Conn{
		nc:       nc,
		cfg:      cfg,
		queue:    make(chan messages.Frame, cfg.QueueLen),
		closing:  make(chan struct{}),
		finished: make(chan struct{}),
	}
	c.reader = NewReader(nc, cfg.Cipher, cfg.Limits)
	c.reader.SetPayloadDeadline(cfg.PayloadDeadline, nc.SetReadDeadline)
	c.reader.CancelWaits(c.closing)
	return c
}

// Start launches the reader and writer goroutines; later calls do nothing.
//
// deliver runs on the reader goroutine for every complete inbound message, in arrival order. It
// must return quickly (hand the message to an actor with a non-blocking send); the connection
// reads nothing while it runs. It may call Close.
//
// done runs exactly once, after both goroutines have exited, with the reason the connection
// ended: nil after a local Close, io.EOF when the peer closed cleanly between frames, otherwise
// the read, write or protocol error (test it with errors.Is and Code).
func (c *Conn) Start(deliver func(messages.Frame), done func(error)) {
	if !c.started.CompareAndSwap(false, true) {
		return
	}
	c.onDone = done
	c.running.Store(2)
	go c.readLoop(deliver)
	go c.writeLoop()
}

// Send queues f without blocking. It returns ErrQueueFull when the queue is full and ErrClosed
// once the connection is closed; a message that cannot be encoded (command too long, payload
// too large) is refused here and leaves the connection open. The payload must not be modified
// after a successful Send. Messages still queued when the connection closes are dropped.
func (c *Conn) Send(f messages.Frame) error {
	if err := c.checkOutbound(f); err != nil {
		return err
	}
	select {
	case <-c.closing:
		return ErrClosed
	default:
	}
	select {
	case c.queue <- f:
		return nil
	case <-c.closing:
		return ErrClosed
	default:
		return ErrQueueFull
	}
}

// SendWait queues f, waiting for room in the queue until ctx is done or the connection closes.
func (c *Conn) SendWait(ctx context.Context, f messages.Frame) error {
	if err := c.checkOutbound(f); err != nil {
		return err
	}
	select {
	case <-c.closing:
		return ErrClosed
	default:
	}
	select {
	case c.queue <- f:
		return nil
	case <-c.closing:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("wire: queueing %s: %w", f.Command, ctx.Err())
	}
}

// checkOutbound refuses what the writer could not encode, so that one bad message is the
// sender's error rather than the end of the connection.
func (c *Conn) checkOutbound(f messages.Frame) error {
	if len(f.Command) > MaxCommandLen {
		return fmt.Errorf("wire: send: %w: %q", ErrCommandTooLong, f.Command)
	}
	// Fernet's size, even once the link cipher seals smaller: whether a message can be sent
	// does not depend on which cipher the peer agreed to.
	if tokenLen := c.cfg.Cipher.TokenLen(len(f.Payload)); tokenLen > MaxTotalSize {
		return fmt.Errorf("wire: send %s: %w: %d bytes once sealed", f.Command, ErrPayloadTooLarge, tokenLen)
	}
	return nil
}

// Close closes the socket, which makes both goroutines exit promptly even when blocked in Read
// or Write. It is idempotent and safe from any goroutine, including from inside deliver; it
// does not wait for the goroutines (use Done for that).
func (c *Conn) Close() error {
	c.setReason(nil)
	return c.shutdown()
}

// Done is closed after both goroutines have exited and the done callback has returned.
func (c *Conn) Done() <-chan struct{} { return c.finished }

// UseLinkCipher switches the connection to the link cipher (see CapLinkCipher) whose nonces the
// worker offered and the master answered; isMaster says which end this is. The peer's
// link-sealed payloads are opened from now on. The worker, which calls it once the master's
// answer arrived, seals its own with it at once; the master, which calls it before answering,
// from the moment the first link-sealed payload of the worker has been opened, which proves the
// worker can open them too. Payloads sealed with Fernet are still accepted, as some may have
// been on their way, until the first link-sealed one has been opened. It does nothing on a connection without a Cipher or that already uses the
// link cipher, and reports whether it switched.
func (c *Conn) UseLinkCipher(worker, master LinkNonce, isMaster bool) (bool, error) {
	if c.cfg.Cipher == nil || c.linkKeyed.Load() {
		return false, nil
	}
	k, err := c.cfg.Cipher.linkKeys(worker, master, isMaster)
	if err != nil {
		return false, err
	}
	if !c.linkKeyed.CompareAndSwap(false, true) {
		return false, nil
	}
	s := &linkSealer{aead: k.seal}
	var opened func()
	if isMaster {
		opened = func() { c.sealer.CompareAndSwap(nil, s) }
	} else {
		c.sealer.Store(s)
	}
	c.reader.useLink(&linkOpener{aead: k.open}, opened)
	return true, nil
}

// LinkSealed reports whether this end seals its payloads with the link cipher.
func (c *Conn) LinkSealed() bool { return c.sealer.Load() != nil }

// Authenticated lifts the pre-authentication bound on inbound frames (ReaderLimits.PreAuthSize).
// Call it before answering the peer's hello, so that the peer cannot send more before it.
func (c *Conn) Authenticated() { c.reader.Authenticated() }

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// Stats returns a snapshot of the connection's counters.
func (c *Conn) Stats() ConnStats {
	framesIn, bytesIn := c.reader.Stats()
	return ConnStats{
		MessagesIn:  c.messagesIn.Load(),
		MessagesOut: c.messagesOut.Load(),
		FramesIn:    framesIn,
		FramesOut:   c.framesOut.Load(),
		BytesIn:     bytesIn,
		BytesOut:    c.bytesOut.Load(),
		QueueDepth:  len(c.queue),
		QueueCap:    cap(c.queue),
	}
}

func (c *Conn) readLoop(deliver func(messages.Frame)) {
	defer c.exited()
	defer c.reader.Release()
	for {
		f, err := c.reader.ReadFrame()
		if err != nil {
			c.fail(err)
			return
		}
		select {
		case <-c.closing:
			return
		default:
		}
		c.messagesIn.Add(1)
		deliver(f)
	}
}

// fail ends the connection because of err, unless it already ended for another reason (an
// error caused by our own Close, for instance, is not a reason).
func (c *Conn) fail(err error) {
	c.setReason(err)
	_ = c.shutdown()
}

func (c *Conn) setReason(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.reasonSet {
		c.reason, c.reasonSet = err, true
	}
}

func (c *Conn) shutdown() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closing)
		if cerr := c.nc.Close(); cerr != nil {
			err = fmt.Errorf("wire: closing connection to %s: %w", c.nc.RemoteAddr(), cerr)
		}
	})
	return err
}

// exited is deferred by both goroutines; the last one out reports the reason.
func (c *Conn) exited() {
	if c.running.Add(-1) != 0 {
		return
	}
	c.mu.Lock()
	reason := c.reason
	c.mu.Unlock()
	if c.onDone != nil {
		c.onDone(reason)
	}
	close(c.finished)
}
