package agentsim

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// keyring is the fake managers' view of client.keys, shared with the fake authd.
type keyring struct {
	mu      sync.Mutex
	ciphers map[string]*agentproto.Cipher
	keys    map[string]agentproto.Key
}

func newKeyring(keys ...agentproto.Key) (*keyring, error) {
	k := &keyring{ciphers: map[string]*agentproto.Cipher{}, keys: map[string]agentproto.Key{}}
	for _, key := range keys {
		if err := k.add(key); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *keyring) add(key agentproto.Key) error {
	c, err := agentproto.NewCipher(key)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ciphers[key.ID], k.keys[key.ID] = c, key
	return nil
}

func (k *keyring) cipher(id string) *agentproto.Cipher {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.ciphers[id]
}

func (k *keyring) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// makeKeys returns n pre-enrolled keys "001 <prefix>-00001 any <random>".
func makeKeys(n int, prefix string) []agentproto.Key {
	keys := make([]agentproto.Key, n)
	for i := range keys {
		keys[i] = agentproto.Key{ID: fmt.Sprintf("%03d", i+1), Name: fmt.Sprintf("%s-%05d", prefix, i+1), IP: "any", Raw: randomHex(32)}
	}
	return keys
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fakeAgentState is what a fake manager saw from one agent.
type fakeAgentState struct {
	startups, shutdowns, startedEvents, keepalives int
	lastKeepalive                                  agentproto.Keepalive
	seqs                                           map[uint64]int // event sequence → times received
	conn                                           *fakeConn
}

// fakeConn is one agent connection; its writer owns a sender counter so that
// connections never wait on each other.
type fakeConn struct {
	net.Conn
	wmu     sync.Mutex
	counter *agentproto.Counter
}

// fakeManager is a remoted stand-in: it acks startups and keepalives, records
// events per agent, pushes files and can be killed.
type fakeManager struct {
	ln   net.Listener
	keys *keyring

	ackStartups   atomic.Bool
	ackKeepalives atomic.Bool
	recordEvents  bool

	mu     sync.Mutex
	agents map[string]*fakeAgentState
	conns  map[*fakeConn]struct{}
	events int64
	killed bool

	wg sync.WaitGroup
}

func newFakeManager(keys *keyring, recordEvents bool) (*fakeManager, error) {
	return newFakeManagerAt("127.0.0.1:0", keys, recordEvents)
}

func newFakeManagerAt(addr string, keys *keyring, recordEvents bool) (*fakeManager, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	m := &fakeManager{ln: ln, keys: keys, recordEvents: recordEvents,
		agents: map[string]*fakeAgentState{}, conns: map[*fakeConn]struct{}{}}
	m.ackStartups.Store(true)
	m.ackKeepalives.Store(true)
	m.wg.Go(m.accept)
	return m, nil
}

func startFakeManager(t testing.TB, keys *keyring) *fakeManager {
	t.Helper()
	return startFakeManagerAt(t, "127.0.0.1:0", keys)
}

func startFakeManagerAt(t testing.TB, addr string, keys *keyring) *fakeManager {
	t.Helper()
	m, err := newFakeManagerAt(addr, keys, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.kill)
	return m
}

func (m *fakeManager) addr() string { return m.ln.Addr().String() }

func (m *fakeManager) accept() {
	for {
		conn, err := m.ln.Accept()
		if err != nil {
			return
		}
		c := &fakeConn{Conn: conn, counter: agentproto.NewCounter(1, 0)}
		m.mu.Lock()
		if m.killed {
			m.mu.Unlock()
			_ = conn.Close()
			return
		}
		m.conns[c] = struct{}{}
		m.mu.Unlock()
		m.wg.Go(func() { m.serve(c) })
	}
}

func (m *fakeManager) serve(c *fakeConn) {
	defer func() {
		_ = c.Close()
		m.mu.Lock()
		delete(m.conns, c)
		m.mu.Unlock()
	}()
	frames := agentproto.NewFrameReader(bufio.NewReader(c))
	for {
		payload, err := frames.Next()
		if err != nil {
			return
		}
		id, rest, ok := agentproto.SplitID(payload)
		if !ok {
			return
		}
		ciph := m.keys.cipher(id)
		if ciph == nil {
			return
		}
		msg, _, _, err := ciph.Open(rest)
		if err != nil {
			return
		}
		if ack := m.record(id, c, msg); ack && m.send(c, ciph, []byte(agentproto.AckMessage)) != nil {
			return
		}
	}
}

// record notes one message; it reports whether remoted would answer with an ack.
func (m *fakeManager) record(id string, c *fakeConn, msg []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.agents[id]
	if st == nil {
		st = &fakeAgentState{seqs: map[uint64]int{}}
		m.agents[id] = st
	}
	switch {
	case bytes.HasPrefix(msg, []byte(agentproto.StartupPrefix)):
		st.startups++
		st.conn = c
		return m.ackStartups.Load()
	case string(msg) == agentproto.ShutdownMessage:
		st.shutdowns++
		return false
	case agentproto.IsControl(msg):
		k, err := agentproto.ParseKeepalive(msg)
		if err != nil {
			return false
		}
		st.keepalives++
		st.lastKeepalive = k
		st.conn = c
		return m.ackKeepalives.Load()
	case bytes.HasPrefix(msg, []byte(startedEvent)):
		st.startedEvents++
	default:
		m.events++
		if seq, ok := eventSeq(msg); ok && m.recordEvents {
			st.seqs[seq]++
		}
	}
	return false
}

// eventSeq reads the sequence number of "1:/var/log/sim.log:<name> event <seq>".
func eventSeq(msg []byte) (uint64, bool) {
	ev, err := agentproto.ParseEvent(msg)
	if err != nil || ev.Location != "/var/log/sim.log" {
		return 0, false
	}
	_, num, ok := strings.Cut(ev.Log, " event ")
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseUint(num, 10, 64)
	return seq, err == nil
}

func (m *fakeManager) send(c *fakeConn, ciph *agentproto.Cipher, msgs ...[]byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var buf []byte
	for _, msg := range msgs {
		payload, err := ciph.Seal(nil, agentproto.AES, c.counter, msg)
		if err != nil {
			return err
		}
		buf = agentproto.AppendFrame(buf, payload)
	}
	_, err := c.Write(buf)
	return err
}

// sendTo writes messages to the connection an agent last used.
func (m *fakeManager) sendTo(id string, msgs ...[]byte) error {
	m.mu.Lock()
	st := m.agents[id]
	var c *fakeConn
	if st != nil {
		c = st.conn
	}
	m.mu.Unlock()
	if c == nil {
		return fmt.Errorf("agent %s has no connection", id)
	}
	return m.send(c, m.keys.cipher(id), msgs...)
}

func (m *fakeManager) push(id, md5hex string, content []byte) error {
	return m.sendTo(id, agentproto.PushMessages(md5hex, content)...)
}

// kill closes the listener and every connection, like a manager that dies.
func (m *fakeManager) kill() {
	m.mu.Lock()
	m.killed = true
	for c := range m.conns {
		_ = c.Close()
	}
	m.mu.Unlock()
	_ = m.ln.Close()
	m.wg.Wait()
}

// snapshot copies the per-agent state (seqs shared: read only after the agents stopped).
func (m *fakeManager) snapshot() map[string]fakeAgentState {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]fakeAgentState, len(m.agents))
	for id, st := range m.agents {
		out[id] = *st
	}
	return out
}

func (m *fakeManager) eventCount() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events
}

// fakeAuthd is an authd stand-in: TLS, one request line, one reply.
type fakeAuthd struct {
	ln     net.Listener
	keys   *keyring
	caFile string

	mu       sync.Mutex
	nextID   int
	refuse   map[string]string // name → error reply
	requests []string

	wg sync.WaitGroup
}

func startFakeAuthd(t testing.TB, keys *keyring) *fakeAuthd {
	t.Helper()
	cert, caPEM, err := selfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	a := &fakeAuthd{ln: ln, keys: keys, caFile: caFile, refuse: map[string]string{}}
	a.wg.Go(a.accept)
	t.Cleanup(func() {
		_ = ln.Close()
		a.wg.Wait()
	})
	return a
}

func (a *fakeAuthd) addr() string { return a.ln.Addr().String() }

func (a *fakeAuthd) accept() {
	for {
		conn, err := a.ln.Accept()
		if err != nil {
			return
		}
		a.wg.Go(func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				return
			}
			_, _ = conn.Write([]byte(a.answer(line)))
		})
	}
}

func (a *fakeAuthd) answer(line string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests = append(a.requests, line)
	rest, ok := strings.CutPrefix(line, "OSSEC A:'")
	name, _, closed := strings.Cut(rest, "'")
	if !ok || !closed {
		return "ERROR: Invalid request for new agent. Unable to add agent"
	}
	if reply, refused := a.refuse[name]; refused {
		return reply
	}
	a.nextID++
	key := agentproto.Key{ID: fmt.Sprintf("%03d", a.nextID), Name: name, IP: "any", Raw: randomHex(32)}
	if err := a.keys.add(key); err != nil {
		return "ERROR: Internal manager error adding agent: " + name + ". Unable to add agent"
	}
	return fmt.Sprintf("OSSEC K:'%s %s %s %s'", key.ID, key.Name, key.IP, key.Raw)
}

func (a *fakeAuthd) requestLines() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.requests...)
}

// selfSignedCert makes a certificate for 127.0.0.1 that is its own CA.
func selfSignedCert() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake-authd"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
