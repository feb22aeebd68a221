package remoted

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/fsutil"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/sirupsen/logrus"
)

// Keys of the test agents (64-hex raw keys as authd generates them).
const (
	key1 = "30f247264788580f09df9eff9fd0d104683ce09c9aca2ff4b07fda339700cfb3"
	key2 = "5b1c1c2d9e7e4bb6a4f3a0c6d8e9f1a2b3c4d5e6f708192a3b4c5d6e7f809112"
	key3 = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
)

// fakeStore is the agent database as a map; it remembers every call.
type fakeStore struct {
	mu     sync.Mutex
	agents map[int]*fakeAgent
	groups map[int][]string
	calls  []string
}

type fakeAgent struct {
	status        string
	code          int
	sync          string
	version       string
	lastKeepalive int64
	data          KeepaliveData
	full          int // RecordKeepalive calls
	only          int // RecordKeepaliveOnly calls
}

func newFakeStore() *fakeStore {
	return &fakeStore{agents: make(map[int]*fakeAgent), groups: make(map[int][]string)}
}

func (f *fakeStore) agent(id int) *fakeAgent {
	a := f.agents[id]
	if a == nil {
		a = &fakeAgent{status: "never_connected"}
		f.agents[id] = a
	}
	return a
}

func (f *fakeStore) note(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeStore) RecordStartup(_ context.Context, id int, sync string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("startup %d %s", id, sync)
	a := f.agent(id)
	a.status, a.sync, a.code = "pending", sync, 0
	return nil
}

func (f *fakeStore) RecordKeepalive(_ context.Context, id int, d KeepaliveData, sync string, now int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("keepalive %d %s %s", id, sync, d.GroupConfigStatus)
	a := f.agent(id)
	a.status, a.sync, a.code, a.lastKeepalive, a.data = "active", sync, 0, now, d
	a.full++
	return nil
}

func (f *fakeStore) RecordKeepaliveOnly(_ context.Context, id int, sync string, now int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("keepalive-only %d %s", id, sync)
	a := f.agent(id)
	a.status, a.sync, a.code, a.lastKeepalive = "active", sync, 0, now
	a.only++
	return nil
}

func (f *fakeStore) RecordStatusCode(_ context.Context, id int, code int, version, sync string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("status-code %d %d %q %s", id, code, version, sync)
	a := f.agent(id)
	a.code, a.version, a.sync = code, version, sync
	return nil
}

func (f *fakeStore) RecordDisconnected(_ context.Context, id int, code int, sync string, _ int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("disconnected %d %d %s", id, code, sync)
	a := f.agent(id)
	a.status, a.code, a.sync = "disconnected", code, sync
	return nil
}

func (f *fakeStore) DisconnectStale(_ context.Context, olderThan int64, sync string, _ int64) ([]int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int
	for id, a := range f.agents {
		if (a.status == "active" || a.status == "pending") && a.lastKeepalive < olderThan {
			a.status, a.code, a.sync = "disconnected", 4, sync
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (f *fakeStore) ResetConnections(context.Context, int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.note("reset")
	for _, a := range f.agents {
		if a.status == "active" || a.status == "pending" {
			a.status, a.code = "disconnected", 5
		}
	}
	return nil
}

func (f *fakeStore) AgentGroups(_ context.Context, id int) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.groups[id]), nil
}

func (f *fakeStore) setGroups(id int, g ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups[id] = g
}

// snapshot returns a copy of agent id's row.
func (f *fakeStore) snapshot(id int) fakeAgent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.agent(id)
}

func (f *fakeStore) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testHome makes a WAZUH_HOME with the given client.keys lines.
func testHome(t testing.TB, keys ...string) string {
	t.Helper()
	home := t.TempDir()
	writeKeys(t, home, keys...)
	return home
}

// writeKeys replaces client.keys (temp file + rename, as authd does).
func writeKeys(t testing.TB, home string, keys ...string) {
	t.Helper()
	dir := filepath.Join(home, "etc")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(keys, "\n")
	if text != "" {
		text += "\n"
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(dir, "client.keys"), []byte(text), 0o640); err != nil {
		t.Fatal(err)
	}
}

func testLog(t testing.TB) *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	if testing.Verbose() {
		l.SetOutput(os.Stderr)
		l.SetLevel(logrus.DebugLevel)
	}
	return logrus.NewEntry(l).WithField("test", t.Name())
}

// testConfig listens on loopback TCP and UDP with short timers.
func testConfig(t testing.TB, home string) Config {
	return Config{
		Home:              home,
		NodeName:          "node01",
		Worker:            true,
		ManagerVersion:    "v4.14.7",
		TCPAddr:           "127.0.0.1:0",
		UDPAddr:           "127.0.0.1:0",
		KeysPoll:          20 * time.Millisecond,
		DisconnectionTime: time.Hour,
		ArchiveQueue:      1024,
		Log:               testLog(t),
	}
}

// startServer starts a server and stops it at the end of the test.
func startServer(t testing.TB, cfg Config, st Store, assign GroupAssigner) *Server {
	t.Helper()
	s, err := New(cfg, st, assign)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

// waitTimeout bounds every wait of the package's tests for something the server does.
const waitTimeout = 10 * time.Second

// testAgent is a minimal Wazuh agent speaking the secure protocol.
type testAgent struct {
	t      testing.TB
	id     string
	prefix bool
	cipher *agentproto.Cipher
	ctr    *agentproto.Counter
	method agentproto.Method

	conn net.Conn
	fr   *agentproto.FrameReader
	udp  bool
}

func newTestAgent(t testing.TB, id, name, ip, raw string) *testAgent {
	t.Helper()
	c, err := agentproto.NewCipher(agentproto.Key{ID: id, Name: name, IP: ip, Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return &testAgent{t: t, id: id, prefix: agentproto.NeedsIDPrefix(ip), cipher: c, ctr: agentproto.NewCounter(7, 41)}
}

// dialTCP connects the agent to addr.
func (a *testAgent) dialTCP(addr net.Addr) *testAgent {
	a.t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { c.Close() })
	a.conn, a.fr, a.udp = c, agentproto.NewFrameReader(bufio.NewReader(c)), false
	return a
}

func (a *testAgent) dialUDP(addr net.Addr) *testAgent {
	a.t.Helper()
	c, err := net.Dial("udp", addr.String())
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { c.Close() })
	a.conn, a.udp = c, true
	return a
}

func (a *testAgent) payload(msg []byte) []byte {
	var p []byte
	if a.prefix {
		p = agentproto.AppendID(p, a.id)
	}
	p, err := a.cipher.Seal(p, a.method, a.ctr, msg)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// sendRaw writes one payload as a frame (TCP) or a datagram (UDP).
func (a *testAgent) sendRaw(p []byte) error {
	if !a.udp {
		p = agentproto.AppendFrame(nil, p)
	}
	_, err := a.conn.Write(p)
	return err
}

func (a *testAgent) send(msg string) {
	a.t.Helper()
	if err := a.sendRaw(a.payload([]byte(msg))); err != nil {
		a.t.Fatalf("agent %s send: %v", a.id, err)
	}
}

// recvRaw reads one payload (5 s deadline).
func (a *testAgent) recvRaw() ([]byte, error) {
	_ = a.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if a.udp {
		buf := make([]byte, agentproto.MaxMessage)
		n, err := a.conn.Read(buf)
		return buf[:n], err
	}
	p, err := a.fr.Next()
	return slices.Clone(p), err
}

// recv reads and decrypts one message from the manager.
func (a *testAgent) recv() string {
	a.t.Helper()
	p, err := a.recvRaw()
	if err != nil {
		a.t.Fatalf("agent %s recv: %v", a.id, err)
	}
	if _, _, ok := agentproto.SplitID(p); ok {
		a.t.Fatalf("agent %s: reply carries an id prefix", a.id)
	}
	msg, m, _, err := a.cipher.Open(p)
	if err != nil {
		a.t.Fatalf("agent %s open reply: %v", a.id, err)
	}
	if m != a.method {
		a.t.Fatalf("agent %s: reply method %v, sent with %v", a.id, m, a.method)
	}
	return string(msg)
}

// expectClosed asserts the manager closed the TCP connection.
func (a *testAgent) expectClosed() {
	a.t.Helper()
	_ = a.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 256)
	for {
		_, err := a.conn.Read(buf)
		if err == nil {
			continue
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			a.t.Fatalf("agent %s: connection still open", a.id)
		}
		return
	}
}

// handshake sends the startup and expects the ack.
func (a *testAgent) handshake() {
	a.t.Helper()
	a.send(string(agentproto.StartupMessage("v4.14.7")))
	if got := a.recv(); got != agentproto.AckMessage {
		a.t.Fatalf("agent %s startup answer %q, want the ack", a.id, got)
	}
}

const testUname = "Linux |vec-agent |6.1.0-18-amd64 |#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)]"

func keepaliveText(mergedSum string) string {
	return string(agentproto.EncodeKeepalive(testUname, "Wazuh v4.14.7", "d6e3ac3e75ca0319af3e7c262776f331",
		[]agentproto.Label{{Key: "env", Value: "staging"}}, mergedSum, "10.0.2.15"))
}

// keepalive sends a keepalive and expects the ack.
func (a *testAgent) keepalive(mergedSum string) {
	a.t.Helper()
	a.send(keepaliveText(mergedSum))
	if got := a.recv(); got != agentproto.AckMessage {
		a.t.Fatalf("agent %s keepalive answer %q, want the ack", a.id, got)
	}
}

// archiveLines reads logs/archives/archives.log.
func archiveLines(t testing.TB, home string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(home, "logs", "archives", "archives.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return splitLines(string(b))
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func agentStats(s *Server, id int) AgentStats {
	for _, a := range s.Stats().Agents {
		if a.ID == id {
			return a
		}
	}
	return AgentStats{}
}
