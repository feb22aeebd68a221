package authd

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/node/logging"
)

// Server defaults: authd's AUTH_POOL; a deadline for the TLS handshake and the request line
// (an agent sends its line as soon as the handshake ends: ten seconds is far beyond any honest
// one, even over a slow link); one for the reply.
const (
	DefaultMaxClients   = 1000
	DefaultReadTimeout  = 10 * time.Second
	DefaultReplyTimeout = 30 * time.Second
	maxAcceptBackoff    = time.Second
	// refusalLogEvery bounds the lines a flood of connections makes: one per kind and period.
	refusalLogEvery = time.Minute
)

// ServerOptions tune the TLS listener.
type ServerOptions struct {
	// MaxClients is the number of simultaneous connections (default 1000). When they are all
	// open, a new connection takes the place of the oldest one that has not sent its request
	// yet (idle or slow connections cannot lock enrollments out); when every one is being
	// answered, the new one is closed with "Too many connections. Rejecting.".
	MaxClients int
	// ReadTimeout bounds the TLS handshake and the request line together (default 10 s).
	ReadTimeout time.Duration
	// ReplyTimeout bounds the writing of the reply (default 30 s).
	ReplyTimeout time.Duration
	// AgentCA, when set, requires every agent to present a certificate signed by it
	// (<ssl_agent_ca>).
	AgentCA *x509.CertPool
	// AutoNegotiate (<ssl_auto_negotiate>) also accepts TLS 1.0 and 1.1, as authd then
	// disables no protocol version; by default only TLS 1.2 and 1.3 are.
	AutoNegotiate bool
	// VerifyHost, with AgentCA, also requires the agent's certificate to name the address the
	// agent connects from (<ssl_verify_host>).
	VerifyHost bool
}

// Server is authd's TLS listener: one request line, one reply, close.
type Server struct {
	svc     *Service
	tls     *tls.Config
	log     *logrus.Entry
	opts    ServerOptions
	limited *logging.RateLimiter

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]*slot
	live      int // connections holding a slot: conns less those evicted
	handlers  sync.WaitGroup
}

// slot is one accepted connection.
type slot struct {
	accepted time.Time
	waiting  bool // the request line has not arrived: the connection may be evicted
	evicted  bool // closed to make room; its handler is ending
}

// NewServer returns a server that answers enrollments with svc. TLS 1.2 and 1.3 are accepted.
func NewServer(svc *Service, cert tls.Certificate, log *logrus.Entry, opts ServerOptions) *Server {
	if opts.MaxClients <= 0 {
		opts.MaxClients = DefaultMaxClients
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.ReplyTimeout <= 0 {
		opts.ReplyTimeout = DefaultReplyTimeout
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	}
	if opts.AutoNegotiate {
		cfg.MinVersion = tls.VersionTLS10 //nolint:gosec // the operator asked for old agents
	}
	if opts.AgentCA != nil {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = opts.AgentCA
	}
	return &Server{
		svc:       svc,
		tls:       cfg,
		log:       loggerOrDiscard(log),
		opts:      opts,
		limited:   logging.NewRateLimiter(refusalLogEvery, 1, nil),
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]*slot{},
	}
}

// Serve accepts agents on ln until ctx is done (nil), ln is closed (nil) or Close is called
// (ErrServerClosed). It returns after every connection it accepted has been handled; when ctx
// ends, connections still in progress are cut.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if !s.addListener(ln) {
		ln.Close()
		return ErrServerClosed
	}
	defer s.removeListener(ln)
	var served sync.WaitGroup
	defer served.Wait()
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		s.abortConnections()
	})
	defer stop()

	backoff := 5 * time.Millisecond
	for {
		conn, err := ln.Accept()
		if err != nil {
			if retry := s.acceptRetry(ctx, err, &backoff); retry {
				continue
			}
			return s.serveResult(ctx, err)
		}
		backoff = 5 * time.Millisecond
		if !s.addConn(conn) {
			s.limited.Logf(s.log, logrus.ErrorLevel, "Too many connections. Rejecting.")
			conn.Close()
			continue
		}
		served.Add(1)
		go func() {
			defer served.Done()
			defer s.removeConn(conn)
			s.handle(ctx, conn)
		}()
	}
}

// Close stops every listener and waits for the connections in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var errs []error
	for ln := range s.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("close authd listener %s: %w", ln.Addr(), err))
		}
	}
	s.mu.Unlock()
	s.handlers.Wait()
	return errors.Join(errs...)
}

func (s *Server) serveResult(ctx context.Context, err error) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return ErrServerClosed
	case ctx.Err() != nil, errors.Is(err, net.ErrClosed):
		return nil
	default:
		return fmt.Errorf("accept agent connection: %w", err)
	}
}

// acceptRetry waits and reports true for transient accept failures (out of descriptors, aborted
// handshakes), as a busy authd must keep listening.
func (s *Server) acceptRetry(ctx context.Context, err error, backoff *time.Duration) bool {
	var ne net.Error
	transient := errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.ENOBUFS) ||
		errors.Is(err, syscall.ENOMEM) || (errors.As(err, &ne) && ne.Timeout())
	if !transient || ctx.Err() != nil {
		return false
	}
	s.log.WithError(err).Warn("Accepting an agent connection failed; retrying")
	t := time.NewTimer(*backoff)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	*backoff = min(*backoff*2, maxAcceptBackoff)
	return true
}

func (s *Server) handle(ctx context.Context, raw net.Conn) {
	defer raw.Close()
	peer := peerIP(raw.RemoteAddr())
	src := sourceIPString(peer)
	// Debug, as authd 4.14 logs it: a flood of connections must not become a flood of lines.
	s.log.Debugf("New connection from %s", src)
	if err := raw.SetDeadline(time.Now().Add(s.opts.ReadTimeout)); err != nil {
		return
	}
	conn := tls.Server(quickAck(raw), s.tls)
	if err := conn.HandshakeContext(ctx); err != nil {
		s.log.WithError(err).Debugf("SSL handshake failed for %s", src)
		return
	}
	if s.opts.AgentCA != nil && s.opts.VerifyHost {
		certs := conn.ConnectionState().PeerCertificates
		if len(certs) == 0 || !certificateNamesIP(certs[0], peer) {
			// authd's own words; the agent gets no reply.
			s.log.Errorf("Unable to verify client certificate.")
			return
		}
	}
	line, err := readRequestLine(conn)
	if err != nil {
		s.log.WithError(err).Debugf("No enrollment request from %s", src)
		return
	}
	if !s.requestArrived(raw) {
		return // evicted as the line arrived
	}
	reply, undo := s.svc.enroll(ctx, line, peer)
	err = conn.SetWriteDeadline(time.Now().Add(s.opts.ReplyTimeout))
	if err == nil {
		_, err = io.WriteString(conn, reply)
	}
	if err != nil {
		s.log.WithError(err).Errorf("SSL write error to %s", src)
		if undo != nil {
			undo(context.WithoutCancel(ctx))
		}
		return
	}
	if err := conn.Close(); err != nil {
		s.log.WithError(err).Debugf("Closing the connection from %s", src)
	}
}

var errRequestTooLong = errors.New("newline terminator not found in request")

// readRequestLine reads until the first '\n' within MaxRequestSize bytes.
func readRequestLine(r io.Reader) ([]byte, error) {
	buf := make([]byte, 0, 512)
	chunk := make([]byte, 4096)
	for {
		n, err := r.Read(chunk[:min(len(chunk), MaxRequestSize-len(buf))])
		buf = append(buf, chunk[:n]...)
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return buf[:i+1], nil
		}
		if len(buf) >= MaxRequestSize {
			return nil, errRequestTooLong
		}
		if err != nil {
			return nil, fmt.Errorf("read request: %w", err)
		}
	}
}

// peerIP is the agent's address, IPv4-mapped IPv6 turned into IPv4.
func peerIP(addr net.Addr) net.IP {
	var ip net.IP
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip = a.IP
	default:
		host, _, err := net.SplitHostPort(addr.String())
		if err != nil {
			return nil
		}
		ip = net.ParseIP(host)
	}
	if v4 := ip.To4(); v4 != nil {
		return v4
	}
	return ip
}

func (s *Server) addListener(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) removeListener(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, ln)
}

// addConn gives c a slot: a free one, or the one of the oldest connection still waiting for its
// request line, which is closed. False when every slot is held by a request being answered.
func (s *Server) addConn(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live >= s.opts.MaxClients && !s.evictOldestWaiting() {
		return false
	}
	s.conns[c] = &slot{accepted: time.Now(), waiting: true}
	s.live++
	s.handlers.Add(1)
	return true
}

// evictOldestWaiting closes the oldest connection that has not sent its request line and hands
// its slot over; s.mu is held. Closing releases the descriptor at once; the handler, whose
// handshake or read then fails, ends on its own.
func (s *Server) evictOldestWaiting() bool {
	var (
		oldest net.Conn
		sl     *slot
	)
	for c, st := range s.conns {
		if st.waiting && !st.evicted && (sl == nil || st.accepted.Before(sl.accepted)) {
			oldest, sl = c, st
		}
	}
	if oldest == nil {
		return false
	}
	sl.evicted = true
	s.live--
	_ = oldest.Close()
	s.limited.Logf(s.log, logrus.WarnLevel, "Too many connections (%d): closed the oldest one still waiting for its request (from %s, open %s).",
		s.opts.MaxClients, sourceIPString(peerIP(oldest.RemoteAddr())), time.Since(sl.accepted).Round(time.Millisecond))
	return true
}

// requestArrived marks c as answering its request, so it is no longer evicted; false when it
// was evicted meanwhile.
func (s *Server) requestArrived(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.conns[c]
	if st == nil || st.evicted {
		return false
	}
	st.waiting = false
	return true
}

func (s *Server) removeConn(c net.Conn) {
	s.mu.Lock()
	if st := s.conns[c]; st != nil && !st.evicted {
		s.live--
	}
	delete(s.conns, c)
	s.mu.Unlock()
	s.handlers.Done()
}

// abortConnections makes every connection in progress fail at once.
func (s *Server) abortConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.SetDeadline(time.Now())
	}
}
