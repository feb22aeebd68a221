package remoted

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

const vectorsDir = "../../../testdata/vectors/agent"

type vectorFile struct {
	Vectors []struct {
		Name      string `json:"name"`
		Plaintext string `json:"plaintext"`
	} `json:"vectors"`
	MergedMG struct {
		MD5 string `json:"md5"`
	} `json:"merged_mg"`
}

func readVectors(t *testing.T) vectorFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorsDir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v vectorFile) plaintext(t *testing.T, name string) string {
	for _, x := range v.Vectors {
		if x.Name == name {
			return x.Plaintext
		}
	}
	t.Fatalf("no vector %s", name)
	return ""
}

func readPayload(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorsDir, name+".payload.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeShared(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o640); err != nil {
		t.Fatal(err)
	}
}

// The real agent's messages (vectors made by Wazuh's C code) drive a whole
// session: the manager's answers and its merged.mg push match Wazuh's.
func TestVectorSession(t *testing.T) {
	v := readVectors(t)
	home := testHome(t, "001 vec-agent any "+key1)
	merged, err := os.ReadFile(filepath.Join(vectorsDir, "merged.mg"))
	if err != nil {
		t.Fatal(err)
	}
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), merged)
	st := newFakeStore()
	st.setGroups(1, "default")
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())

	send := func(name string) {
		t.Helper()
		if err := a.sendRaw(readPayload(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(names ...string) {
		t.Helper()
		for _, n := range names {
			if got, want := a.recv(), v.plaintext(t, n); got != want {
				t.Fatalf("manager sent %q, want %s %q", got, n, want)
			}
		}
	}
	send("01_agent_startup_aes")
	expect("02_manager_ack_aes")
	send("03_agent_keepalive_aes")
	expect("04_manager_ack_aes", "05_manager_up_file_aes", "06_manager_file_chunk_00_aes", "06_manager_file_chunk_01_aes", "07_manager_close_file_aes")
	poll.Until(t, waitTimeout, "keepalive recorded", func() bool { return st.snapshot(1).full == 1 })
	if got := st.snapshot(1).data.GroupConfigStatus; got != "not synced" {
		t.Errorf("group_config_status %q before the push, want not synced", got)
	}
	send("08_agent_keepalive_synced_aes")
	expect("04_manager_ack_aes")
	poll.Until(t, waitTimeout, "synced keepalive recorded", func() bool { return st.snapshot(1).full == 2 })
	if got := st.snapshot(1).data.GroupConfigStatus; got != "synced" {
		t.Errorf("group_config_status %q after the push, want synced", got)
	}
	send("09_agent_event_aes")
	send("10_agent_started_event_aes")
	send("13_agent_request_reply_aes")
	send("15_agent_keepalive_blowfish")
	a.method = agentproto.Blowfish
	expect("16_manager_ack_blowfish")
	send("14_agent_shutdown_aes")
	poll.Until(t, waitTimeout, "shutdown", func() bool { return st.snapshot(1).status == "disconnected" })
	want := []string{
		"1:[001] (vec-agent) any->/var/log/syslog:Nov 21 10:00:00 vec-agent sshd[1234]: Accepted publickey for root from 10.0.2.2 port 50000 ssh2",
		"1:[001] (vec-agent) any->wazuh-agent:ossec: Agent started: 'vec-agent->any'.",
		"1:[001] (vec-agent) any->wazuh-remoted:ossec: Agent stopped: 'vec-agent->any'.",
	}
	poll.Until(t, waitTimeout, "archive", func() bool { return len(archiveLines(t, home)) == len(want) })
	if got := archiveLines(t, home); !slices.Equal(got, want) {
		t.Errorf("archive %q, want %q", got, want)
	}
	if got := s.Stats().Pushes; got != 1 {
		t.Errorf("Pushes %d, want 1", got)
	}
}

// An agent without a group gets one assigned, then the group's merged.mg in
// ≤ 900-byte chunks; once it reports the file's sum it gets no more pushes
// until the file changes.
func TestMergedPushAfterAssign(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	content := bytes.Repeat([]byte("#default\n!12 agent.conf\n<agent_config/>\n"), 80) // 3,280 bytes
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content)
	sum := md5.Sum(content)
	sumHex := hex.EncodeToString(sum[:])
	st := newFakeStore()
	var (
		mu       sync.Mutex
		assigned []string
	)
	assign := func(_ context.Context, id int, mergedSum string) ([]string, error) {
		mu.Lock()
		assigned = append(assigned, mergedSum)
		mu.Unlock()
		st.setGroups(id, "default")
		return []string{"default"}, nil
	}
	s := startServer(t, testConfig(t, home), st, assign)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()

	stale := "ab73af41699f13fdd81903b5f23d8d00"
	a.keepalive(stale)
	up := a.recv()
	if md5hex, name, ok := agentproto.ParseUpFile([]byte(up)); !ok || md5hex != sumHex || name != "merged.mg" {
		t.Fatalf("push header %q, want up file %s merged.mg", up, sumHex)
	}
	var got []byte
	for {
		m := a.recv()
		if m == agentproto.CloseFileMessage {
			break
		}
		if len(m) > 900 || strings.HasPrefix(m, "#!-") {
			t.Fatalf("bad chunk of %d bytes %.20q", len(m), m)
		}
		got = append(got, m...)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("pushed %d bytes, want the %d of merged.mg", len(got), len(content))
	}
	mu.Lock()
	if !slices.Equal(assigned, []string{stale}) {
		t.Errorf("assigner calls %q", assigned)
	}
	mu.Unlock()
	poll.Until(t, waitTimeout, "first keepalive", func() bool { return st.snapshot(1).full == 1 })

	a.keepalive(sumHex)
	poll.Until(t, waitTimeout, "second keepalive", func() bool { return st.snapshot(1).full == 2 })
	a.keepalive(sumHex)
	poll.Until(t, waitTimeout, "third keepalive", func() bool { return st.snapshot(1).only == 1 })
	if got := s.Stats().Pushes; got != 1 {
		t.Errorf("Pushes %d, want 1", got)
	}
	if got := st.snapshot(1).data.GroupConfigStatus; got != "synced" {
		t.Errorf("group_config_status %q, want synced", got)
	}

	// The group's file changes: the next keepalive gets the new one.
	content2 := append(content, "# changed\n"...)
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content2)
	sum2 := md5.Sum(content2)
	a.send(keepaliveText(sumHex) + "\n")
	if m := a.recv(); m != agentproto.AckMessage {
		t.Fatalf("got %q, want the ack", m)
	}
	if up := a.recv(); !strings.HasPrefix(up, "#!-up file "+hex.EncodeToString(sum2[:])) {
		t.Fatalf("second push header %q", up)
	}
}

func TestMultigroupMergedPath(t *testing.T) {
	c := newSharedSums("/h")
	if got := c.mergedPath([]string{"web"}); got != "/h/etc/shared/web/merged.mg" {
		t.Errorf("single group path %s", got)
	}
	// sha256("default,web") = 5288d400…
	if got := c.mergedPath([]string{"default", "web"}); got != "/h/var/multigroups/5288d400/merged.mg" {
		t.Errorf("multigroup path %s", got)
	}
}

// An agent in two groups is pushed var/multigroups/<hash>/merged.mg.
func TestMultigroupPush(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	st.setGroups(1, "default", "web")
	s := startServer(t, testConfig(t, home), st, nil)
	content := []byte("#default,web\n")
	writeShared(t, s.shared.mergedPath([]string{"default", "web"}), content)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	a.keepalive("x")
	sum := md5.Sum(content)
	if up := a.recv(); up != "#!-up file "+hex.EncodeToString(sum[:])+" merged.mg\n" {
		t.Fatalf("push header %q", up)
	}
	if m := a.recv(); m != string(content) {
		t.Fatalf("chunk %q", m)
	}
	if m := a.recv(); m != agentproto.CloseFileMessage {
		t.Fatalf("close %q", m)
	}
}

// readPush reads one whole merged.mg push and returns the announced sum and
// the content.
func (a *testAgent) readPush() (string, []byte) {
	a.t.Helper()
	up := a.recv()
	sum, name, ok := agentproto.ParseUpFile([]byte(up))
	if !ok || name != "merged.mg" {
		a.t.Fatalf("agent %s: got %.40q, want a merged.mg push", a.id, up)
	}
	var content []byte
	for {
		m := a.recv()
		if m == agentproto.CloseFileMessage {
			return sum, content
		}
		if strings.HasPrefix(m, "#!-") {
			a.t.Fatalf("agent %s: %.40q inside a push", a.id, m)
		}
		content = append(content, m...)
	}
}

// pushIdle reports whether no push to agent id is queued or under way and
// pushes have been counted done times: then no keepalive recorded so far
// started another push.
func pushIdle(s *Server, id int, done uint64) error {
	a := s.keys.Load().byID[id]
	if a.pushing.Load() {
		return fmt.Errorf("a push to agent %d is under way", id)
	}
	if got := s.Stats().Pushes; got != done {
		return fmt.Errorf("%d pushes, want %d", got, done)
	}
	return nil
}

// As Wazuh's remoted, every keepalive that reports a merged.mg sum other than
// the group's gets the file again, on the connection the agent uses now: an
// agent that dropped a push is not left "not synced".
func TestMergedPushedAgainWhileStale(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	content := bytes.Repeat([]byte("#default\n!12 agent.conf\n<agent_config/>\n"), 80)
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content)
	sum := md5.Sum(content)
	sumHex := hex.EncodeToString(sum[:])
	st := newFakeStore()
	st.setGroups(1, "default")
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()

	const stale = "ab73af41699f13fdd81903b5f23d8d00"
	pushes := uint64(0)
	stalePush := func(a *testAgent) {
		t.Helper()
		a.keepalive(stale)
		got, body := a.readPush() // and drop it, as an agent that missed it
		if got != sumHex || !bytes.Equal(body, content) {
			t.Fatalf("push of %s (%d bytes), want %s (%d bytes)", got, len(body), sumHex, len(content))
		}
		pushes++
		poll.Until(t, waitTimeout, "the push to end", func() bool { return pushIdle(s, 1, pushes) == nil })
	}
	stalePush(a)
	stalePush(a) // the next keepalive with the old sum gets it again

	// A new connection (startup, then the old sum) gets it too. The server
	// must have seen the old one close first: a second connection while the
	// first is live and recent is refused (key in use), as Wazuh's.
	a.conn.Close()
	poll.Until(t, waitTimeout, "the server to drop the closed connection", func() bool {
		return s.keys.Load().byID[1].target().conn == nil
	})
	a = newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	stalePush(a)

	// Applied: no more pushes.
	a.keepalive(sumHex)
	a.keepalive(sumHex)
	a.keepalive(sumHex)
	poll.Until(t, waitTimeout, "the synced keepalives", func() bool { return st.snapshot(1).only >= 1 })
	if err := pushIdle(s, 1, pushes); err != nil {
		t.Fatal(err)
	}
	if got := st.snapshot(1).data.GroupConfigStatus; got != "synced" {
		t.Errorf("group_config_status %q, want synced", got)
	}
}

// A push under way is not restarted, nor doubled, by the keepalives that
// arrive meanwhile: over UDP a push pauses every 30 chunks, so a stale
// keepalive sent during it finds it in progress. The next stale keepalive
// after it gets a new push.
func TestMergedPushNotRestartedWhileUnderWay(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	content := bytes.Repeat([]byte("0123456789abcdef\n"), udpPushBurst*agentproto.PushChunkSize/17+20) // > 30 chunks
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content)
	st := newFakeStore()
	st.setGroups(1, "default")
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialUDP(s.UDPAddr())
	a.handshake()

	const stale = "ab73af41699f13fdd81903b5f23d8d00"
	a.keepalive(stale)
	if up := a.recv(); !strings.HasPrefix(up, agentproto.UpFilePrefix) {
		t.Fatalf("got %.40q, want the push header", up)
	}
	// Into the push: the second keepalive is acknowledged in the middle of it.
	chunks, acks := 0, 0
	a.send(keepaliveText(stale))
	for {
		m := a.recv()
		switch {
		case m == agentproto.AckMessage:
			acks++
		case m == agentproto.CloseFileMessage:
			if acks != 1 {
				t.Fatalf("%d acks during the push, want 1", acks)
			}
			if want := (len(content) + agentproto.PushChunkSize - 1) / agentproto.PushChunkSize; chunks != want {
				t.Fatalf("%d chunks, want %d", chunks, want)
			}
			poll.Until(t, waitTimeout, "the push to end", func() bool { return pushIdle(s, 1, 1) == nil })
			poll.Until(t, waitTimeout, "both keepalives", func() bool { return st.snapshot(1).full+st.snapshot(1).only == 2 })
			if err := pushIdle(s, 1, 1); err != nil {
				t.Fatalf("the keepalive sent during the push started another: %v", err)
			}
			a.keepalive(stale)
			if up := a.recv(); !strings.HasPrefix(up, agentproto.UpFilePrefix) {
				t.Fatalf("got %.40q, want a new push", up)
			}
			return
		case strings.HasPrefix(m, "#!-"):
			t.Fatalf("%.40q inside the push", m)
		default:
			chunks++
		}
	}
}

// A default-group assignment the master does not answer (its store locked, the network slow)
// is given up after a bound: the one status worker goes on recording the other agents'
// keepalives, and the agent's next keepalive tries again.
func TestUnansweredAssignmentDoesNotStallOtherAgents(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1, "002 other any "+key2)
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), []byte("#default\n"))
	st := newFakeStore()
	st.setGroups(2, "default")
	bounded := make(chan bool, 4)
	assign := func(ctx context.Context, _ int, _ string) ([]string, error) {
		_, hasDeadline := ctx.Deadline()
		bounded <- hasDeadline
		<-ctx.Done() // the master never answers
		return nil, ctx.Err()
	}
	s := startServer(t, testConfig(t, home), st, assign)
	first := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	first.handshake()
	first.keepalive("ab73af41699f13fdd81903b5f23d8d00")
	if !<-bounded {
		t.Fatal("the assignment runs without a deadline")
	}
	other := newTestAgent(t, "002", "other", "any", key2).dialTCP(s.TCPAddr())
	other.handshake()
	other.send(keepaliveText("ab73af41699f13fdd81903b5f23d8d00"))
	poll.Until(t, waitTimeout, "the other agent's keepalive recorded", func() bool { return st.snapshot(2).full >= 1 })
}

// Default groups are assigned several at a time, off the status worker: each waits for the
// master, and one at a time a cluster of new agents was assigned at the pace of that round trip.
func TestDefaultGroupsAreAssignedSeveralAtATime(t *testing.T) {
	const agents = 12
	lines := make([]string, agents)
	keys := make([]string, agents)
	for i := range agents {
		keys[i] = fmt.Sprintf("%064x", i+1)
		lines[i] = fmt.Sprintf("%03d agent%d any %s", i+1, i+1, keys[i])
	}
	home := testHome(t, lines...)
	content := []byte("#default\n")
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content)
	st := newFakeStore()
	var (
		mu            sync.Mutex
		running, most int
	)
	release := make(chan struct{})
	assign := func(ctx context.Context, id int, _ string) ([]string, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		st.setGroups(id, "default")
		return []string{"default"}, nil
	}
	s := startServer(t, testConfig(t, home), st, assign)
	conns := make([]*testAgent, agents)
	for i := range agents {
		conns[i] = newTestAgent(t, fmt.Sprintf("%03d", i+1), fmt.Sprintf("agent%d", i+1), "any", keys[i]).dialTCP(s.TCPAddr())
		conns[i].handshake()
		conns[i].keepalive("ab73af41699f13fdd81903b5f23d8d00")
	}
	poll.Until(t, waitTimeout, "every assignment under way at once", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return running == agents
	})
	close(release)
	for i, a := range conns {
		if up := a.recv(); !strings.HasPrefix(up, "#!-up file ") {
			t.Fatalf("agent %d: %q, want the push of its new group's merged.mg", i+1, up)
		}
	}
	if most > maxAssignsInFlight {
		t.Fatalf("%d assignments at once, at most %d", most, maxAssignsInFlight)
	}
}
