package remoted

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/agentproto"
)

const vectorsDir = "../../testdata/vectors/agent"

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
	waitFor(t, "keepalive recorded", func() bool { return st.snapshot(1).full == 1 })
	if got := st.snapshot(1).data.GroupConfigStatus; got != "not synced" {
		t.Errorf("group_config_status %q before the push, want not synced", got)
	}
	send("08_agent_keepalive_synced_aes")
	expect("04_manager_ack_aes")
	waitFor(t, "synced keepalive recorded", func() bool { return st.snapshot(1).full == 2 })
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
	waitFor(t, "shutdown", func() bool { return st.snapshot(1).status == "disconnected" })
	want := []string{
		"1:[001] (vec-agent) any->/var/log/syslog:Nov 21 10:00:00 vec-agent sshd[1234]: Accepted publickey for root from 10.0.2.2 port 50000 ssh2",
		"1:[001] (vec-agent) any->wazuh-agent:ossec: Agent started: 'vec-agent->any'.",
		"1:[001] (vec-agent) any->wazuh-remoted:ossec: Agent stopped: 'vec-agent->any'.",
	}
	waitFor(t, "archive", func() bool { return len(archiveLines(t, home)) == len(want) })
	if got := archiveLines(t, home); !slices.Equal(got, want) {
		t.Errorf("archive %q, want %q", got, want)
	}
	if got := s.Stats().Pushes; got != 1 {
		t.Errorf("Pushes %d, want 1", got)
	}
}

// An agent without a group gets one assigned, then the group's merged.mg in
// ≤ 900-byte chunks; the push is not repeated until the agent reports a sum.
func TestMergedPushAfterAssign(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	content := bytes.Repeat([]byte("#default\n!12 agent.conf\n<agent_config/>\n"), 80) // 3,280 bytes
	writeShared(t, filepath.Join(home, "etc", "shared", "default", "merged.mg"), content)
	sum := md5.Sum(content)
	sumHex := hex.EncodeToString(sum[:])
	st := newFakeStore()
	var assigned []string
	assign := func(_ context.Context, id int, mergedSum string) ([]string, error) {
		assigned = append(assigned, mergedSum)
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
	if !slices.Equal(assigned, []string{stale}) {
		t.Errorf("assigner calls %q", assigned)
	}
	waitFor(t, "first keepalive", func() bool { return st.snapshot(1).full == 1 })

	// Still stale: acknowledged, not pushed again.
	a.keepalive(stale)
	waitFor(t, "second keepalive", func() bool { return st.snapshot(1).only == 1 })
	a.keepalive(sumHex)
	waitFor(t, "third keepalive", func() bool { return st.snapshot(1).full == 2 })
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
