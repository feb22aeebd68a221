package wazuhdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// Names a hostile worker or a hand-edited file could carry.
var hostileNames = []string{"../../etc", "x", "a b", "a\nb", strings.Repeat("n", 100_000), "!gone", ".hidden"}

// TestApplyAgentInfoKeepsStoredNameForInvalidNames: a worker's agent-info cannot rename an agent
// to a name that fails OS_IsValidName; the rest of its row applies, and client.keys (written
// from these rows) stays readable.
func TestApplyAgentInfoKeepsStoredNameForInvalidNames(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	var batch AgentInfoBatch
	for i, name := range hostileNames {
		mustAdd(t, s, NewAgent{Name: fmt.Sprintf("agent%02d", i+1)})
		row := fullAgentInfo(i + 1)
		row.Name = name
		batch.Syncreq = append(batch.Syncreq, row)
	}
	renamed := fullAgentInfo(len(hostileNames) + 1)
	renamed.Name = "renamed.ok-1"
	mustAdd(t, s, NewAgent{Name: "before-rename"})
	batch.Syncreq = append(batch.Syncreq, renamed)
	if n, err := s.ApplyAgentInfo(ctx, batch, 1700000000); err != nil || n != len(batch.Syncreq) {
		t.Fatalf("ApplyAgentInfo = %d, %v", n, err)
	}
	for i := range hostileNames {
		a := mustAgent(t, s, i+1)
		if want := fmt.Sprintf("agent%02d", i+1); a.Name != want || a.OSName != renamed.OSName {
			t.Errorf("agent %d: name %.40q, os %q; want %q and the row applied", i+1, a.Name, a.OSName, want)
		}
	}
	if a := mustAgent(t, s, len(hostileNames)+1); a.Name != "renamed.ok-1" {
		t.Errorf("a valid rename was not applied: %q", a.Name)
	}
	keysPath := strings.TrimSuffix(path, "global.db") + "client.keys"
	if err := s.WriteClientKeys(ctx, keysPath); err != nil {
		t.Fatal(err)
	}
	entries, err := parseKeysFile(t, keysPath)
	if err != nil || len(entries) != len(hostileNames)+1 {
		t.Fatalf("client.keys after the sync: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if !messages.ValidAgentName(e.Name) {
			t.Errorf("client.keys holds %.40q", e.Name)
		}
	}
}

// TestImportClientKeysRefusesInvalidNames: a client.keys line naming an agent in a way
// OS_IsValidName refuses is a bad file, except a leading '.' that Wazuh accepted before 4.14.6.
func TestImportClientKeysRefusesInvalidNames(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, name := range []string{"../../etc", "x", strings.Repeat("n", 129), "ñandú"} {
		_, _, _, err := s.ImportClientKeys(ctx, []clientkeys.Entry{{ID: 1, Name: "good01", IP: "any", Key: "k1"}, {ID: 2, Name: name, IP: "any", Key: "k2"}})
		if !errors.Is(err, clientkeys.ErrMalformed) || !errors.Is(err, messages.ErrInvalidAgentName) {
			t.Errorf("name %.40q: %v", name, err)
		}
	}
	if lines := keyLines(t, s); lines != "" {
		t.Fatalf("a refused file was partly imported: %q", lines)
	}
	if _, _, _, err := s.ImportClientKeys(ctx, []clientkeys.Entry{{ID: 1, Name: ".legacy", IP: "any", Key: "k1"}}); err != nil {
		t.Fatalf("a pre-4.14.6 name: %v", err)
	}
}

// TestSetAgentGroupsCreatesNoAgentWithInvalidName: set-agent-groups creates a missing agent under
// the name it carries (wazuh-db does); a name OS_IsValidName refuses creates nothing.
func TestSetAgentGroupsCreatesNoAgentWithInvalidName(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i, name := range hostileNames {
		err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 10 + i, Name: name, Groups: []string{"default"}}})
		if err != nil {
			t.Fatalf("name %.40q: %v", name, err)
		}
	}
	if err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 99, Name: "seen-on-worker", Groups: []string{"default"}}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	rows, err := s.db.Query(`SELECT name FROM agent WHERE id > 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if len(names) != 1 || names[0] != "seen-on-worker" {
		t.Fatalf("agents created: %.200q", names)
	}
}

func parseKeysFile(t *testing.T, path string) ([]clientkeys.Entry, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return clientkeys.Parse(bytes.NewReader(data))
}
