package nodetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
)

// hostileAgentNames are names no path may store: a path, too short, megabytes, a line break, a
// leading dot (refused since Wazuh 4.14.6), a blank.
var hostileAgentNames = []string{"../../etc", "x", strings.Repeat("n", 100_000), "a\nb", ".hidden", "a b"}

// settledKeys waits until the member's client.keys (written by one coalescing writer, after the
// store) holds a line for name, and returns its lines: everything the store held before name was
// added is then in the file too.
func settledKeys(t *testing.T, m *nodetest.Member, name string) []string {
	t.Helper()
	var lines []string
	nodetest.Eventually(t, 10*time.Second, func() error {
		lines = m.ClientKeys()
		for _, l := range lines {
			if f := strings.Fields(l); len(f) == 4 && f[1] == name {
				return nil
			}
		}
		return fmt.Errorf("no client.keys line for %s in %q", name, lines)
	})
	return lines
}

func agentNames(t *testing.T, m *nodetest.Member) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	doc, err := m.Client().GetAgents(ctx, nil, nil)
	if err != nil {
		t.Fatalf("list agents on %s: %v", m.Name, err)
	}
	var names []string
	for _, a := range doc.Items {
		if a.ID != "000" { // the manager itself
			names = append(names, a.Name)
		}
	}
	return names
}

// TestSendsyncToMasterRefusesInvalidAgentNames: a local client of a worker (its authd, the API)
// sends authd "add" requests through the worker's c-internal.sock and the cluster's sendsync to
// the master; every hostile name is refused with 9005 and reaches neither the store nor
// client.keys. The same names in wazuh-db's set-agent-groups create no agent.
func TestSendsyncToMasterRefusesInvalidAgentNames(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	master, worker := c.Master(), c.Workers()[0]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := worker.Client().Authd(ctx, "add", map[string]any{"name": "via-sendsync", "ip": "any"}); err != nil {
		t.Fatalf("a valid name through sendsync: %v", err)
	}
	keysBefore := settledKeys(t, master, "via-sendsync")
	for _, name := range hostileAgentNames {
		_, err := worker.Client().Authd(ctx, "add", map[string]any{"name": name, "ip": "any"})
		if err == nil || !strings.Contains(err.Error(), "9005 No such name") {
			t.Errorf("authd add %.30q through sendsync: %.200v", name, err)
		}
	}
	for i, name := range hostileAgentNames {
		cmd, _ := json.Marshal(map[string]any{"mode": "override", "sync_status": "synced",
			"data": []map[string]any{{"id": 500 + i, "name": name, "groups": []string{"default"}}}})
		if _, err := worker.Client().WazuhDB(ctx, "global set-agent-groups "+string(cmd)); err != nil {
			t.Errorf("set-agent-groups with %.30q: %.200v", name, err)
		}
	}
	if _, err := worker.Client().Authd(ctx, "add", map[string]any{"name": "after-them", "ip": "any"}); err != nil {
		t.Fatalf("a valid name after the hostile ones: %v", err)
	}
	if got := settledKeys(t, master, "after-them"); !slices.Equal(got[:len(got)-1], keysBefore) {
		t.Fatalf("client.keys changed:\n%.500q\nwant %q and after-them", got, keysBefore)
	}
	if names := agentNames(t, master); !slices.Equal(names, []string{"via-sendsync", "after-them"}) {
		t.Fatalf("agents on the master: %.300q", names)
	}
	for _, m := range c.Members() {
		if l := m.LongestLogEntry(); l > 2048 {
			t.Errorf("%s logged a %d-byte entry", m.Name, l)
		}
	}
}

// TestEnrollmentPortRefusesInvalidAgentNamesOnEveryNode: over TLS on the master and on a
// worker (which forwards nothing), each hostile name that fits a request line gets Wazuh's
// reply and no agent.
func TestEnrollmentPortRefusesInvalidAgentNamesOnEveryNode(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, m := range c.Members() {
		for _, name := range []string{"../../etc", "x", ".hidden", "a b", strings.Repeat("n", 60_000)} {
			reply, err := m.Enroll(ctx, "OSSEC A:'"+name+"'")
			if err != nil || !strings.HasPrefix(reply, "ERROR: Invalid agent name: ") || len(reply) > 2048+len(". Unable to add agent") {
				t.Errorf("%s, name %.30q: %d-byte reply %.80q, %v", m.Name, name, len(reply), reply, err)
			}
		}
	}
	if names := agentNames(t, c.Master()); len(names) != 0 {
		t.Fatalf("agents on the master: %.300q", names)
	}
	for _, m := range c.Members() {
		if l := m.LongestLogEntry(); l > 2048 {
			t.Errorf("%s logged a %d-byte entry", m.Name, l)
		}
	}
}

// TestAgentInfoFromWorkerCannotRenameToInvalidNames: a worker that reports agents under hostile
// names (a raw peer here, as a compromised Wazuh worker would send them) renames nothing; the
// rest of the rows apply and client.keys stays as it was.
func TestAgentInfoFromWorkerCannotRenameToInvalidNames(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	master := c.Master()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var syncreq []map[string]any
	for i, name := range hostileAgentNames {
		if reply, err := master.Enroll(ctx, fmt.Sprintf("OSSEC A:'agent%02d'", i+1)); err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
			t.Fatalf("enroll: %q, %v", reply, err)
		}
		syncreq = append(syncreq, map[string]any{"id": i + 1, "name": name, "os_name": "Hostile OS", "node_name": "worker9"})
	}
	keysBefore := settledKeys(t, master, fmt.Sprintf("agent%02d", len(hostileAgentNames)))

	p := nodetest.DialRaw(t, master.Node().ClusterAddr(), nodetest.Key)
	if f := p.Call(messages.CmdHello, []byte("worker9 wazuh worker 4.14.7")); f.Command != messages.CmdOK {
		t.Fatalf("hello: %s %q", f.Command, f.Payload)
	}
	if f := p.Call(messages.CmdSynAWMP, nil); string(f.Payload) != "True" {
		t.Fatalf("agent-info permission: %s %q", f.Command, f.Payload)
	}
	doc, _ := json.Marshal(map[string]any{"set_data_command": "global sync-agent-info-set", "payload": map[string]any{},
		"chunks": map[string]any{"syncreq": syncreq}})
	f := p.Call(messages.CmdNewStr, []byte(strconv.Itoa(len(doc))))
	id := string(f.Payload)
	if f.Command != messages.CmdOK {
		t.Fatalf("new_str: %s %q", f.Command, f.Payload)
	}
	if f := p.Call(messages.CmdStrUpd, append([]byte(id+" "), doc...)); f.Command != messages.CmdOK {
		t.Fatalf("str_upd: %s %q", f.Command, f.Payload)
	}
	if f := p.Call(messages.CmdSynAWM, []byte(id)); f.Command != messages.CmdOK {
		t.Fatalf("syn_a_w_m: %s %q", f.Command, f.Payload)
	}
	var result messages.SyncResult
	for deadline := time.Now().Add(20 * time.Second); ; {
		f, err := p.Read()
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("no syn_m_a_e from the master: %v", err)
		}
		if f.Command == messages.CmdSynMAErr {
			t.Fatalf("the master failed the sync: %q", f.Payload)
		}
		if f.Command == messages.CmdSynMAE {
			if result, err = messages.ParseSyncResult(f.Payload); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if result.UpdatedChunks != 1 || len(result.ErrorMessages) != 0 {
		t.Fatalf("sync result %+v", result)
	}
	if reply, err := master.Enroll(ctx, "OSSEC A:'after-sync'"); err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
		t.Fatalf("enroll: %q, %v", reply, err)
	}
	if got := settledKeys(t, master, "after-sync"); !slices.Equal(got[:len(got)-1], keysBefore) {
		t.Fatalf("client.keys changed:\n%q\nwant %q and after-sync", got, keysBefore)
	}
	var want []string
	for i := range hostileAgentNames {
		want = append(want, fmt.Sprintf("agent%02d", i+1))
	}
	want = append(want, "after-sync")
	if names := agentNames(t, master); !slices.Equal(names, want) {
		t.Fatalf("agents on the master: %.300q", names)
	}
	if l := master.LongestLogEntry(); l > 2048 {
		t.Errorf("the master logged a %d-byte entry", l)
	}
}
