package authd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/daemon/authd/authdtest"
)

var (
	serverCertOnce sync.Once
	serverCert     tls.Certificate
	serverCertErr  error
)

// testServerCert is one generated authd certificate shared by the TLS tests (RSA generation is
// slow under the race detector).
func testServerCert(t testing.TB) tls.Certificate {
	t.Helper()
	serverCertOnce.Do(func() {
		certPEM, keyPEM, err := selfSignedCert("vec-manager")
		if err != nil {
			serverCertErr = err
			return
		}
		serverCert, serverCertErr = tls.X509KeyPair(certPEM, keyPEM)
	})
	if serverCertErr != nil {
		t.Fatal(serverCertErr)
	}
	return serverCert
}

type runningServer struct {
	srv    *Server
	addr   string
	cancel context.CancelFunc
	done   chan error
}

func startServer(t testing.TB, svc *Service, opts ServerOptions) *runningServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningServer{srv: NewServer(svc, testServerCert(t), nil, opts), addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { rs.done <- rs.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-rs.done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after cancel")
		}
	})
	return rs
}

func clientTLSConfig(t testing.TB, version uint16) *tls.Config {
	pool := x509.NewCertPool()
	leaf, err := x509.ParseCertificate(testServerCert(t).Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool.AddCert(leaf)
	return &tls.Config{RootCAs: pool, ServerName: "vec-manager", MinVersion: version, MaxVersion: version}
}

// enrollOverTLS sends one request line and returns the whole reply.
func enrollOverTLS(addr string, cfg *tls.Config, line string) (string, tls.ConnectionState, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return "", tls.ConnectionState{}, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		return "", tls.ConnectionState{}, err
	}
	if _, err := io.WriteString(conn, line); err != nil {
		return "", tls.ConnectionState{}, err
	}
	reply, err := io.ReadAll(conn)
	return string(reply), conn.ConnectionState(), err
}

func TestServerEnrollsOverTLS12And13(t *testing.T) {
	svc, st, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{})
	for i, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		reply, state, err := enrollOverTLS(rs.addr, clientTLSConfig(t, version), fmt.Sprintf("OSSEC A:'tls%d' V:'v4.14.7'\n", i))
		if err != nil {
			t.Fatalf("version %x: %v", version, err)
		}
		if state.Version != version {
			t.Errorf("negotiated %x, want %x", state.Version, version)
		}
		want := fmt.Sprintf("OSSEC K:'%03d tls%d any ", 7+i, i)
		if !strings.HasPrefix(reply, want) {
			t.Errorf("reply %q, want prefix %q", reply, want)
		}
	}
	reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'db01'\n")
	if err != nil || reply != "ERROR: Duplicate agent name: db01. Unable to add agent" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if _, ok, _ := st.AgentByName(context.Background(), "tls1"); !ok {
		t.Fatal("agent not stored")
	}
}

func TestServerUsesPeerAddress(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{})
	reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'peer01' IP:'src'\n")
	if err != nil || !strings.HasPrefix(reply, "OSSEC K:'007 peer01 127.0.0.1 ") {
		t.Fatalf("reply %q, %v", reply, err)
	}
}

func TestServerRefusesOldTLS(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{})
	cfg := clientTLSConfig(t, tls.VersionTLS11)
	if _, _, err := enrollOverTLS(rs.addr, cfg, "OSSEC A:'old'\n"); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
}

// TestServerAutoNegotiateAcceptsOldTLS: with <ssl_auto_negotiate> authd disables no version.
func TestServerAutoNegotiateAcceptsOldTLS(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{AutoNegotiate: true})
	for _, version := range []uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS13} {
		cfg := clientTLSConfig(t, version)
		cfg.MinVersion = tls.VersionTLS10
		reply, state, err := enrollOverTLS(rs.addr, cfg, fmt.Sprintf("OSSEC A:'tls%x'\n", version))
		if err != nil || !strings.HasPrefix(reply, "OSSEC K:'") || state.Version != version {
			t.Fatalf("version %x: reply %q, negotiated %x, %v", version, reply, state.Version, err)
		}
	}
}

func TestServerConcurrentEnrollments(t *testing.T) {
	svc, st, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{})
	const n = 200
	replies := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i], _, errs[i] = enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), fmt.Sprintf("OSSEC A:'many%03d'\n", i))
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("enrollment %d: %v", i, errs[i])
		}
		m := okReply.FindStringSubmatch(replies[i])
		if m == nil {
			t.Fatalf("enrollment %d: reply %q", i, replies[i])
		}
		if ids[m[1]] {
			t.Fatalf("id %s given twice", m[1])
		}
		ids[m[1]] = true
	}
	if len(ids) != n || len(st.Agents()) != 5+n {
		t.Fatalf("%d unique ids, %d agents", len(ids), len(st.Agents()))
	}
}

// expectClosedBy asserts that the server closed c within d.
func expectClosedBy(t *testing.T, c net.Conn, d time.Duration) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read data from a connection that should be closed")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("connection still open after %s", d)
	}
}

// Connections that never send their request cannot lock enrollments out: with every slot held
// by one, a real enrollment takes the slot of the oldest, which is closed.
func TestServerIdleConnectionsGiveWayToEnrollments(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	const slots = 5
	rs := startServer(t, svc, ServerOptions{MaxClients: slots, ReadTimeout: time.Hour})
	var idle []net.Conn
	for range 3 * slots {
		c, err := net.Dial("tcp", rs.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	for i := range 3 {
		reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), fmt.Sprintf("OSSEC A:'real%d'\n", i))
		if err != nil || !strings.HasPrefix(reply, fmt.Sprintf("OSSEC K:'%03d real%d ", 7+i, i)) {
			t.Fatalf("enrollment %d beside %d idle connections: %q, %v", i, len(idle), reply, err)
		}
	}
	// The oldest idle connections made room; the newest still hold their slots.
	expectClosedBy(t, idle[0], 5*time.Second)
	_ = idle[len(idle)-1].SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var ne net.Error
	if _, err := idle[len(idle)-1].Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("the newest idle connection was closed: %v", err)
	}
}

// A connection that completes neither its TLS handshake nor its request line within
// ReadTimeout is closed; one that has TLS but sends no line too.
func TestServerHandshakeTimeout(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{ReadTimeout: 300 * time.Millisecond})
	raw, err := net.Dial("tcp", rs.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	start := time.Now()
	expectClosedBy(t, raw, 5*time.Second)
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Fatalf("closed after %s, before the bound", took)
	}
	silent, err := tls.Dial("tcp", rs.addr, clientTLSConfig(t, tls.VersionTLS13))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	expectClosedBy(t, silent, 5*time.Second)
}

// When every slot is held by a request being answered, a new connection is refused, as authd
// does ("Too many connections. Rejecting."); it gets through once a slot frees.
func TestServerRejectsWhenEverySlotIsAnswering(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	svc, _, _ := newVectorMaster(t, func(context.Context) error {
		entered <- struct{}{}
		<-release
		return nil
	})
	rs := startServer(t, svc, ServerOptions{MaxClients: 1})
	first := make(chan error, 1)
	go func() {
		_, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'first'\n")
		first <- err
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first enrollment was never answered")
	}
	// Refused (closed during the handshake) while the first one is answered.
	if reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'second'\n"); err == nil {
		t.Fatalf("a second enrollment was served while the only slot was answering: %q", reply)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first enrollment: %v", err)
	}
	// The first handler gives its slot back just after its reply.
	deadline := time.Now().Add(10 * time.Second)
	for {
		reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'third'\n")
		if err == nil && strings.HasPrefix(reply, "OSSEC K:'") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot never freed: %q, %v", reply, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testPKI is authdtest's CA, failing the test on errors.
type testPKI struct {
	*authdtest.PKI
	t *testing.T
}

func newAgentPKI(t *testing.T) testPKI {
	t.Helper()
	p, err := authdtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	return testPKI{p, t}
}

func (p testPKI) issue(t *testing.T, cn string, dns []string, ips []net.IP) tls.Certificate {
	t.Helper()
	cert, err := p.Issue(cn, dns, ips)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestServerRequiresAgentCertificate(t *testing.T) {
	pki := newAgentPKI(t)
	svc, _, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{AgentCA: pki.Pool})
	if reply, _, err := enrollOverTLS(rs.addr, clientTLSConfig(t, tls.VersionTLS12), "OSSEC A:'nocert'\n"); err == nil {
		t.Fatalf("enrolled without a client certificate: %q", reply)
	}
	cfg := clientTLSConfig(t, tls.VersionTLS13)
	cfg.Certificates = []tls.Certificate{pki.issue(t, "agent", nil, nil)}
	reply, _, err := enrollOverTLS(rs.addr, cfg, "OSSEC A:'withcert'\n")
	if err != nil || !strings.HasPrefix(reply, "OSSEC K:'007 withcert ") {
		t.Fatalf("reply %q, %v", reply, err)
	}
}

// TestServerVerifiesAgentHost: with <ssl_verify_host>, an agent whose certificate does not name
// the address it connects from gets no reply and is not enrolled.
func TestServerVerifiesAgentHost(t *testing.T) {
	pki := newAgentPKI(t)
	svc, st, _ := newVectorMaster(t, nil)
	rs := startServer(t, svc, ServerOptions{AgentCA: pki.Pool, VerifyHost: true})
	before := len(st.Agents())
	for _, c := range []struct {
		name string
		cert tls.Certificate
		ok   bool
	}{
		{"san-ip", pki.issue(t, "agent", nil, []net.IP{net.ParseIP("127.0.0.1")}), true},
		{"san-dns", pki.issue(t, "agent", []string{"127.0.0.1"}, nil), true},
		{"cn", pki.issue(t, "127.0.0.1", nil, nil), true},
		{"other-ip", pki.issue(t, "agent", nil, []net.IP{net.ParseIP("10.9.9.9")}), false},
		{"other-cn", pki.issue(t, "agent.example", nil, nil), false},
	} {
		cfg := clientTLSConfig(t, tls.VersionTLS13)
		cfg.Certificates = []tls.Certificate{c.cert}
		reply, _, err := enrollOverTLS(rs.addr, cfg, "OSSEC A:'host-"+c.name+"'\n")
		if got := err == nil && strings.HasPrefix(reply, "OSSEC K:'"); got != c.ok {
			t.Errorf("%s: reply %q, %v; want enrolled %v", c.name, reply, err, c.ok)
		}
	}
	if n := len(st.Agents()) - before; n != 3 {
		t.Fatalf("%d agents enrolled, want 3", n)
	}
}

func TestCertificateNamesIPv6(t *testing.T) {
	ip := net.ParseIP("fd00::1")
	for _, c := range []struct {
		cert *x509.Certificate
		want bool
	}{
		{&x509.Certificate{IPAddresses: []net.IP{ip}}, true},
		{&x509.Certificate{DNSNames: []string{"fd00::1"}}, true},
		{&x509.Certificate{Subject: pkix.Name{CommonName: "FD00:0000:0000:0000:0000:0000:0000:0001"}}, true},
		{&x509.Certificate{Subject: pkix.Name{CommonName: "fd00::2"}}, false},
		{&x509.Certificate{}, false},
	} {
		if got := certificateNamesIP(c.cert, ip); got != c.want {
			t.Errorf("%+v names %s: %v, want %v", c.cert.Subject, ip, got, c.want)
		}
	}
	if certificateNamesIP(nil, ip) {
		t.Error("no certificate names an address")
	}
}

func TestLoadCAPool(t *testing.T) {
	dir := t.TempDir()
	pki := newAgentPKI(t)
	good := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(good, pki.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if pool, err := LoadCAPool(good); err != nil || pool == nil {
		t.Fatalf("LoadCAPool = %v, %v", pool, err)
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCAPool(empty); !errors.Is(err, ErrNoCertificates) {
		t.Fatalf("file without certificates: %v", err)
	}
	if _, err := LoadCAPool(filepath.Join(dir, "missing.pem")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestServerCloseAndCancel(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(svc, testServerCert(t), nil, ServerOptions{})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background(), ln) }()
	reply, _, err := enrollOverTLS(ln.Addr().String(), clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'beforeclose'\n")
	if err != nil || !strings.HasPrefix(reply, "OSSEC K:") {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrServerClosed) {
			t.Fatalf("Serve returned %v, want ErrServerClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(context.Background(), ln2); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve after Close returned %v", err)
	}
}

func TestServerCancelCutsIdleConnections(t *testing.T) {
	svc, _, _ := newVectorMaster(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := NewServer(svc, testServerCert(t), nil, ServerOptions{ReadTimeout: time.Hour})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	conn, err := tls.Dial("tcp", ln.Addr().String(), clientTLSConfig(t, tls.VersionTLS13))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve kept waiting for an idle connection after cancel")
	}
}

func TestPeerIPMapsIPv4(t *testing.T) {
	got := peerIP(&net.TCPAddr{IP: net.ParseIP("::ffff:10.1.2.3"), Port: 1})
	if len(got) != net.IPv4len || got.String() != "10.1.2.3" {
		t.Fatalf("peerIP = %v (len %d)", got, len(got))
	}
	if got := sourceIPString(net.ParseIP("::ffff:10.1.2.3")); got != "10.1.2.3" {
		t.Fatalf("sourceIPString = %q", got)
	}
}

func TestReadRequestLineLimit(t *testing.T) {
	long := strings.Repeat("a", MaxRequestSize)
	if _, err := readRequestLine(strings.NewReader(long + "\n")); !errors.Is(err, errRequestTooLong) {
		t.Fatalf("err = %v", err)
	}
	line, err := readRequestLine(strings.NewReader(long[:MaxRequestSize-1] + "\nrest"))
	if err != nil || len(line) != MaxRequestSize {
		t.Fatalf("len %d, err %v", len(line), err)
	}
	if _, err := readRequestLine(strings.NewReader("no newline")); err == nil {
		t.Fatal("EOF before newline accepted")
	}
}

// breakableListener hands out connections whose writes can be made to fail.
type breakableListener struct {
	net.Listener
	mu   sync.Mutex
	last *breakableConn
}

type breakableConn struct {
	net.Conn
	broken atomic.Bool
}

func (c *breakableConn) Write(p []byte) (int, error) {
	if c.broken.Load() {
		return 0, errors.New("connection reset by agent")
	}
	return c.Conn.Write(p)
}

func (l *breakableListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	bc := &breakableConn{Conn: c}
	l.mu.Lock()
	l.last = bc
	l.mu.Unlock()
	return bc, nil
}

func (l *breakableListener) breakLast() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last.broken.Store(true)
}

func TestServerUndoesEnrollmentWhenReplyFails(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &breakableListener{Listener: raw}
	var changes atomic.Int32
	v := loadVectors(t)
	cfg := vectorConfig(v, makeSharedDir(t))
	st := vectorStore(t, v)
	// The first save happens after the agent was added and before the reply is written: break
	// the connection there so the reply cannot be delivered.
	svc := NewMaster(cfg, st, func(context.Context) error {
		if changes.Add(1) == 1 {
			ln.breakLast()
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	srv := NewServer(svc, testServerCert(t), nil, ServerOptions{})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	if reply, _, err := enrollOverTLS(raw.Addr().String(), clientTLSConfig(t, tls.VersionTLS13), "OSSEC A:'unlucky'\n"); err == nil && reply != "" {
		t.Fatalf("agent got a reply %q through a broken connection", reply)
	}
	deadline := time.Now().Add(10 * time.Second)
	for changes.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("enrollment was not undone")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok, _ := st.AgentByName(context.Background(), "unlucky"); ok {
		t.Fatal("agent kept although its key never reached it")
	}
}

// enrollWithNagle is enrollOverTLS from a client that keeps Nagle's algorithm on.
func enrollWithNagle(addr string, cfg *tls.Config, line string) (string, error) {
	raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return "", err
	}
	defer raw.Close()
	if err := raw.(*net.TCPConn).SetNoDelay(false); err != nil {
		return "", err
	}
	if err := raw.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		return "", err
	}
	conn := tls.Client(raw, cfg)
	if err := conn.Handshake(); err != nil {
		return "", err
	}
	if _, err := io.WriteString(conn, line); err != nil {
		return "", err
	}
	reply, err := io.ReadAll(conn)
	return string(reply), err
}
