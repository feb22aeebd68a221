package remoted

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// An agent's whole session over TCP: startup, keepalives, events, shutdown.
func TestAgentSession(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())

	a.handshake()
	poll.Until(t, waitTimeout, "startup recorded", func() bool { return st.snapshot(1).status == "pending" })
	if got := st.snapshot(1).sync; got != "syncreq_status" {
		t.Errorf("startup sync_status %q, want syncreq_status", got)
	}

	a.keepalive("x")
	poll.Until(t, waitTimeout, "keepalive recorded", func() bool { return st.snapshot(1).full == 1 })
	row := st.snapshot(1)
	if row.status != "active" || row.sync != "syncreq" {
		t.Errorf("after the first keepalive: status %q sync %q, want active syncreq", row.status, row.sync)
	}
	d := row.data
	if d.Version != "Wazuh v4.14.7" || d.ConfigSum != "d6e3ac3e75ca0319af3e7c262776f331" || d.MergedSum != "x" ||
		d.AgentIP != "10.0.2.15" || d.NodeName != "node01" || d.ManagerHost == "" || d.GroupConfigStatus != "synced" {
		t.Errorf("keepalive data %+v", d)
	}
	if d.OS.Name != "Debian GNU/Linux" || d.OS.Platform != "debian" || d.OS.Major != "12" || d.OS.Codename != "bookworm" || d.OS.Arch != "x86_64" {
		t.Errorf("keepalive os %+v", d.OS)
	}
	var keys []string
	for _, l := range d.Labels {
		keys = append(keys, l.Key+"="+l.Value)
	}
	want := []string{"env=staging", "_manager_hostname=" + d.ManagerHost, "_agent_ip=10.0.2.15", "_node_name=node01", "_wazuh_version=Wazuh v4.14.7"}
	if !slices.Equal(keys, want) {
		t.Errorf("labels %q, want %q", keys, want)
	}

	// The same keepalive again only refreshes the keepalive time.
	a.keepalive("x")
	poll.Until(t, waitTimeout, "identical keepalive recorded", func() bool { return st.snapshot(1).only == 1 })
	if got := st.snapshot(1).sync; got != "syncreq_keepalive" {
		t.Errorf("identical keepalive sync %q, want syncreq_keepalive", got)
	}

	events := []string{
		"1:/var/log/syslog:Jan  1 00:00:00 host sshd[1]: Accepted password",
		"1:wazuh-agent:ossec: Agent started: 'vec-agent->any'.",
		"1:keepalive:dropped",
		"f:EventChannel:{\"win\":{}}",
	}
	for _, e := range events {
		a.send(e)
	}
	a.send(agentproto.ShutdownMessage)
	poll.Until(t, waitTimeout, "shutdown recorded", func() bool { return st.snapshot(1).status == "disconnected" })
	if row := st.snapshot(1); row.code != 3 || row.sync != "syncreq_status" {
		t.Errorf("after shutdown: code %d sync %q, want 3 syncreq_status", row.code, row.sync)
	}
	wantLines := []string{
		"1:[001] (vec-agent) any->/var/log/syslog:Jan  1 00:00:00 host sshd[1]: Accepted password",
		"1:[001] (vec-agent) any->wazuh-agent:ossec: Agent started: 'vec-agent->any'.",
		"f:[001] (vec-agent) any->EventChannel:{\"win\":{}}",
		"1:[001] (vec-agent) any->wazuh-remoted:ossec: Agent stopped: 'vec-agent->any'.",
	}
	poll.Until(t, waitTimeout, "archive lines", func() bool { return len(archiveLines(t, home)) == len(wantLines) })
	if got := archiveLines(t, home); !slices.Equal(got, wantLines) {
		t.Errorf("archive:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	// The writer counts a batch's events once the write returned: just after the lines can be read.
	poll.Until(t, waitTimeout, "archived events counted", func() bool { return agentStats(s, 1).EventsArchived == 3 })
	as := agentStats(s, 1)
	if as.EventsReceived != 4 || as.EventsArchived != 3 || as.LastMessage.IsZero() || !as.Connected {
		t.Errorf("agent stats %+v", as)
	}

	// A closed connection does not change the status.
	a.conn.Close()
	poll.Until(t, waitTimeout, "connection gone", func() bool { return s.Stats().Connections == 0 })
	if got := st.snapshot(1).status; got != "disconnected" {
		t.Errorf("status %q changed by a closed connection", got)
	}
}

func TestPingPong(t *testing.T) {
	s := startServer(t, testConfig(t, testHome(t)), newFakeStore(), nil)
	a := newTestAgent(t, "001", "x", "any", key1).dialTCP(s.TCPAddr())
	if err := a.sendRaw([]byte(agentproto.PingMessage)); err != nil {
		t.Fatal(err)
	}
	p, err := a.recvRaw()
	if err != nil || string(p) != agentproto.PongMessage {
		t.Fatalf("ping answer %q, %v; want #pong", p, err)
	}
}

// A master records "synced" everywhere.
func TestMasterSyncStatus(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	cfg := testConfig(t, home)
	cfg.Worker = false
	s := startServer(t, cfg, st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	a.keepalive("x")
	poll.Until(t, waitTimeout, "keepalive recorded", func() bool { return st.snapshot(1).full == 1 })
	for _, c := range st.callList() {
		if c != "reset" && !strings.Contains(c, " synced") {
			t.Errorf("master call %q without synced", c)
		}
	}
}

// A later keepalive whose merged sum changed is "syncreq", else "syncreq_keepalive".
func TestKeepaliveSyncStatus(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	a.keepalive("x")
	poll.Until(t, waitTimeout, "first keepalive", func() bool { return st.snapshot(1).full == 1 })
	a.send(strings.Replace(keepaliveText("x"), "env", "team", 1))
	if a.recv() != agentproto.AckMessage {
		t.Fatal("no ack")
	}
	poll.Until(t, waitTimeout, "second keepalive", func() bool { return st.snapshot(1).full == 2 })
	if got := st.snapshot(1).sync; got != "syncreq_keepalive" {
		t.Errorf("changed labels: sync %q, want syncreq_keepalive", got)
	}
	a.keepalive("0123456789abcdef0123456789abcdef")
	poll.Until(t, waitTimeout, "third keepalive", func() bool { return st.snapshot(1).full == 3 })
	if got := st.snapshot(1).sync; got != "syncreq" {
		t.Errorf("changed merged sum: sync %q, want syncreq", got)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	bad := newTestAgent(t, "001", "vec-agent", "any", key2).dialTCP(s.TCPAddr())
	bad.send(string(agentproto.StartupMessage("v4.14.7")))
	bad.expectClosed()
	if got := s.Stats().DecryptErrors; got != 1 {
		t.Errorf("DecryptErrors %d, want 1", got)
	}
	if calls := st.callList(); !slices.Equal(calls, []string{"reset"}) {
		t.Errorf("store calls %q, want only the reset", calls)
	}
	// The right key still works.
	newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr()).handshake()
}

func TestUnknownAgentRefused(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1, "002 fixed 192.0.2.7 "+key2, "003 lan 10.0.0.0/8 "+key3)
	s := startServer(t, testConfig(t, home), newFakeStore(), nil)
	cases := []*testAgent{
		newTestAgent(t, "009", "ghost", "any", key1),       // id not in client.keys
		newTestAgent(t, "002", "fixed", "192.0.2.7", key2), // no prefix, source is not 192.0.2.7
		newTestAgent(t, "003", "lan", "10.0.0.0/8", key3),  // prefix, source outside the network
	}
	for _, a := range cases {
		a.dialTCP(s.TCPAddr())
		a.send(string(agentproto.StartupMessage("v4.14.7")))
		a.expectClosed()
	}
	if got := s.Stats().UnknownAgent; got != uint64(len(cases)) {
		t.Errorf("UnknownAgent %d, want %d", got, len(cases))
	}
}

// An agent registered with its plain IP sends no prefix and is found by source address.
func TestAgentByRegisteredIP(t *testing.T) {
	home := testHome(t, "001 local 127.0.0.1 "+key1, "002 net 127.0.0.0/8 "+key2)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "local", "127.0.0.1", key1)
	if a.prefix {
		t.Fatal("a plain IPv4 agent must not use the prefix")
	}
	a.dialTCP(s.TCPAddr()).handshake()
	b := newTestAgent(t, "002", "net", "127.0.0.0/8", key2).dialTCP(s.TCPAddr())
	b.handshake()
	poll.Until(t, waitTimeout, "both recorded", func() bool {
		return st.snapshot(1).status == "pending" && st.snapshot(2).status == "pending"
	})
}

func TestFrameTooBigCloses(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	s := startServer(t, testConfig(t, home), newFakeStore(), nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	if _, err := a.conn.Write([]byte{0x01, 0x00, 0x01, 0x00}); err != nil { // 65,537
		t.Fatal(err)
	}
	a.expectClosed()
}

func TestBlowfishAgentAnsweredWithBlowfish(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	s := startServer(t, testConfig(t, home), newFakeStore(), nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.method = agentproto.Blowfish
	a.handshake() // recv checks the reply's method
}

func TestUDPAgent(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialUDP(s.UDPAddr())
	a.handshake()
	a.keepalive("x")
	a.send("1:/var/log/messages:hello over udp")
	poll.Until(t, waitTimeout, "keepalive recorded", func() bool { return st.snapshot(1).full == 1 })
	poll.Until(t, waitTimeout, "event archived", func() bool { return len(archiveLines(t, home)) == 1 })
	if got := archiveLines(t, home)[0]; got != "1:[001] (vec-agent) any->/var/log/messages:hello over udp" {
		t.Errorf("archive line %q", got)
	}
	if st := s.Stats(); st.UDPDatagrams != 3 || !agentStats(s, 1).Connected {
		t.Errorf("stats %+v", st)
	}
}

func TestVersionCheck(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	cases := []struct {
		startup string
		answer  string
		call    string
	}{
		{`#!-agent startup {"version":"v4.15.0"}`, `#!-err {"message":"Agent version must be lower or equal to manager version"}`, `status-code 1 1 "Wazuh v4.15.0" syncreq_status`},
		{`#!-agent startup {"version":"v5.0.0"}`, `#!-err {"message":"Agent version must be lower or equal to manager version"}`, `status-code 1 1 "Wazuh v5.0.0" syncreq_status`},
		{`#!-agent startup {"other":1}`, `#!-err {"message":"Couldn't retrieve version"}`, `status-code 1 2 "" syncreq_status`},
		{`#!-agent startup {"version":"v4.14.9"}`, agentproto.AckMessage, "startup 1 syncreq_status"},
		{`#!-agent startup {"version":"v3.13.0"}`, agentproto.AckMessage, "startup 1 syncreq_status"},
		{`#!-agent startup `, agentproto.AckMessage, "startup 1 syncreq_status"},
	}
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	for i, c := range cases {
		a.send(c.startup)
		if got := a.recv(); got != c.answer {
			t.Errorf("%s: answer %q, want %q", c.startup, got, c.answer)
		}
		poll.Until(t, waitTimeout, "recorded", func() bool { return len(st.callList()) == i+2 })
		if got := st.callList()[i+1]; got != c.call {
			t.Errorf("%s: store call %q, want %q", c.startup, got, c.call)
		}
	}
}

func TestAllowHigherVersions(t *testing.T) {
	cfg := testConfig(t, testHome(t, "001 vec-agent any "+key1))
	cfg.AllowHigherVersions = true
	s := startServer(t, cfg, newFakeStore(), nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.send(`#!-agent startup {"version":"v9.0.0"}`)
	if got := a.recv(); got != agentproto.AckMessage {
		t.Errorf("answer %q, want the ack", got)
	}
}

func TestConnectionOvertake(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	clock := newFakeClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local))
	cfg := testConfig(t, home)
	cfg.Now = clock.Now
	s := startServer(t, cfg, newFakeStore(), nil)

	first := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	first.handshake()

	// The agent spoke a moment ago: a second connection is refused.
	second := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	clock.Add(59 * time.Second)
	second.send(string(agentproto.StartupMessage("v4.14.7")))
	second.expectClosed()
	if got := s.Stats().KeyInUse; got != 1 {
		t.Errorf("KeyInUse %d, want 1", got)
	}
	first.keepalive("x") // the first connection still works

	// Silent for longer than connection_overtake_time: the new one wins.
	clock.Add(61 * time.Second)
	third := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	third.handshake()
	first.expectClosed()
	third.keepalive("x")
}

func TestKeysReload(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	st := newFakeStore()
	s := startServer(t, testConfig(t, home), st, nil)
	old := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	old.handshake()

	fresh := newTestAgent(t, "002", "new-agent", "any", key2).dialTCP(s.TCPAddr())
	fresh.send(string(agentproto.StartupMessage("v4.14.7")))
	fresh.expectClosed()

	writeKeys(t, home, "001 vec-agent any "+key1, "002 new-agent any "+key2)
	poll.Until(t, waitTimeout, "new key loaded", func() bool { return len(s.Stats().Agents) == 2 })
	newTestAgent(t, "002", "new-agent", "any", key2).dialTCP(s.TCPAddr()).handshake()

	// The unchanged agent kept its connection through the reload.
	old.keepalive("x")

	// A removed agent is refused.
	writeKeys(t, home, "001 !vec-agent any "+key1, "002 new-agent any "+key2)
	poll.Until(t, waitTimeout, "agent removed", func() bool { return len(s.Stats().Agents) == 1 })
	old.send(keepaliveText("x"))
	old.expectClosed()
}

func TestMonitordDisconnectsSilentAgents(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	clock := newFakeClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local))
	st := newFakeStore()
	cfg := testConfig(t, home)
	cfg.Now = clock.Now
	cfg.DisconnectionTime = 50 * time.Millisecond
	s := startServer(t, cfg, st, nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	a.keepalive("x")
	poll.Until(t, waitTimeout, "active", func() bool { return st.snapshot(1).status == "active" })
	clock.Add(time.Hour)
	poll.Until(t, waitTimeout, "disconnected by monitord", func() bool { return st.snapshot(1).status == "disconnected" })
	if row := st.snapshot(1); row.code != 4 || row.sync != "synced" {
		t.Errorf("code %d sync %q, want 4 synced", row.code, row.sync)
	}
}

func TestSenderCounterSaved(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	if err := os.MkdirAll(filepath.Join(home, "queue", "rids"), 0o750); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, "queue", "rids", "sender_counter")
	if err := os.WriteFile(path, []byte("120:9997:"), 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := New(testConfig(t, home), newFakeStore(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.send(string(agentproto.StartupMessage("v4.14.7")))
	p, err := a.recvRaw()
	if err != nil {
		t.Fatal(err)
	}
	_, _, h, err := a.cipher.Open(p)
	if err != nil || h.Global != 121 || h.Local != 1 {
		t.Fatalf("ack counter %d:%d (%v), want 121:1 after 120:9997", h.Global, h.Local, err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "121:1:" {
		t.Errorf("sender_counter %q, want 121:1:", b)
	}
}
