package wazuhdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

func TestWriteClientKeys(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "web01", Key: "k1"})
	mustAdd(t, s, NewAgent{Name: "db01", IP: "10.0.0.2", Key: "k2"})
	if err := s.RemoveAgent(ctx, 1, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "etc", "client.keys")
	if err := s.WriteClientKeys(ctx, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "002 db01 10.0.0.2 k2\n001 !web01 any k1\n"; string(data) != want {
		t.Fatalf("client.keys:\n%s\nwant\n%s", data, want)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, %v; want 0640", fi.Mode().Perm(), err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

// enrollmentKeys reads "client_keys_before" of the enrollment vectors.
func enrollmentKeys(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../../testdata/vectors/agent/enrollment.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Before []string `json:"client_keys_before"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Before) == 0 {
		t.Fatal("no client_keys_before in the vector")
	}
	return strings.Join(v.Before, "\n") + "\n"
}

func TestImportClientKeysRoundTripsVector(t *testing.T) {
	text := enrollmentKeys(t)
	entries, err := clientkeys.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	s, path := openTemp(t)
	ctx := context.Background()
	added, removed, updated, err := s.ImportClientKeys(ctx, entries)
	if err != nil || added != 5 || removed != 0 || updated != 0 {
		t.Fatalf("import = %d %d %d %v; want 5 0 0", added, removed, updated, err)
	}
	s = reopen(t, s, path)
	// Wazuh writes active entries first, then removed ones: same lines,
	// the removed 005 moved to the end.
	var active, gone []string
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.Contains(l, " !") {
			gone = append(gone, l)
		} else {
			active = append(active, l)
		}
	}
	want := strings.Join(append(active, gone...), "\n") + "\n"
	if got := keyLines(t, s); got != want {
		t.Fatalf("rendered:\n%s\nwant\n%s", got, want)
	}
	// Importing the rendering again changes nothing.
	again, err := clientkeys.Parse(strings.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if a, r, u, err := s.ImportClientKeys(ctx, again); err != nil || a+r+u != 0 {
		t.Fatalf("re-import = %d %d %d %v; want no change", a, r, u, err)
	}
	a := mustAgent(t, s, 3)
	if a.Name != "cache01" || a.RegisterIP != "10.0.0.3" || a.ConnectionStatus != "never_connected" {
		t.Fatalf("agent 003 = %+v", a)
	}
	if next := mustAdd(t, s, NewAgent{Name: "fresh01"}); next.ID != 7 {
		t.Fatalf("next id after the vector = %d, want 7 (as the vector's first enrollment)", next.ID)
	}
}

func TestImportClientKeysSyncs(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Key: "k1", Groups: []string{"g1"}})
	mustAdd(t, s, NewAgent{Name: "a2", Key: "k2"})
	mustAdd(t, s, NewAgent{Name: "a3", Key: "k3"})
	if err := s.UpdateAgentInfo(ctx, Agent{ID: 3, Version: "Wazuh v4.14.7"}); err != nil {
		t.Fatal(err)
	}
	entries := []clientkeys.Entry{
		{ID: 3, Name: "a3", IP: "any", Key: "k3-new"},
		{ID: 1, Name: "a1", IP: "any", Key: "k1"},
		{ID: 9, Name: "a9", IP: "10.0.0.9", Key: "k9"},
		{ID: 2, Name: "a2", IP: "any", Key: "k2", Removed: true},
	}
	added, removed, updated, err := s.ImportClientKeys(ctx, entries)
	if err != nil || added != 1 || removed != 1 || updated != 1 {
		t.Fatalf("import = %d %d %d %v; want 1 1 1", added, removed, updated, err)
	}
	want := "003 a3 any k3-new\n001 a1 any k1\n009 a9 10.0.0.9 k9\n002 !a2 any k2\n"
	if got := keyLines(t, s); got != want {
		t.Fatalf("client.keys:\n%s\nwant\n%s", got, want)
	}
	if a := mustAgent(t, s, 3); a.Version != "Wazuh v4.14.7" || a.Key != "k3-new" {
		t.Fatalf("updated agent lost its columns: %+v", a)
	}
	if a := mustAgent(t, s, 1); !reflect.DeepEqual(a.Groups, []string{"g1"}) {
		t.Fatalf("kept agent lost its groups: %+v", a)
	}
	if _, ok, _ := s.Agent(ctx, 2); ok {
		t.Fatal("agent 2 still present")
	}
	bad := []clientkeys.Entry{{ID: 1, Name: "a1", IP: "any", Key: "k"}, {ID: 1, Name: "b1", IP: "any", Key: "k"}}
	if _, _, _, err := s.ImportClientKeys(ctx, bad); !errors.Is(err, clientkeys.ErrMalformed) || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("duplicate ids: %v", err)
	}
	if _, _, _, err := s.ImportClientKeys(ctx, []clientkeys.Entry{{ID: 1, Name: "a b", IP: "any", Key: "k"}}); !errors.Is(err, clientkeys.ErrMalformed) {
		t.Fatalf("blank in name: %v", err)
	}
}

// The master's agent-groups and its client.keys reach a worker separately: an agent the
// agent-groups named first (a row without a key) survives an older client.keys that does not
// list it yet, groups and all, and takes its key from the next one.
func TestImportClientKeysKeepsAgentsNamedByAgentGroupsFirst(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", Key: "k1"})
	if err := s.SetAgentGroups(ctx, ModeOverride, "synced", []AgentGroups{{ID: 2, Name: "a2", Groups: []string{"default"}}}); err != nil {
		t.Fatal(err)
	}
	older := []clientkeys.Entry{{ID: 1, Name: "a1", IP: "any", Key: "k1"}}
	if _, removed, _, err := s.ImportClientKeys(ctx, older); err != nil || removed != 0 {
		t.Fatalf("older client.keys: removed %d, %v", removed, err)
	}
	if groups, ok, err := s.AgentGroupNames(ctx, 2); err != nil || !ok || len(groups) != 1 || groups[0] != "default" {
		t.Fatalf("agent 002 after the older client.keys: %v %v %v", groups, ok, err)
	}
	newer := append(older, clientkeys.Entry{ID: 2, Name: "a2", IP: "any", Key: "k2"})
	if _, _, _, err := s.ImportClientKeys(ctx, newer); err != nil {
		t.Fatal(err)
	}
	if groups, _, err := s.AgentGroupNames(ctx, 2); err != nil || len(groups) != 1 || groups[0] != "default" {
		t.Fatalf("agent 002 after its key arrived: %v %v", groups, err)
	}
	// A keyed agent the master no longer lists is removed as before.
	if _, removed, _, err := s.ImportClientKeys(ctx, newer[1:]); err != nil || removed != 1 {
		t.Fatalf("agent 001 dropped from client.keys: removed %d, %v", removed, err)
	}
}

// A worker imports the master's client.keys in batches that each keep what they applied: an
// import cut short (here by a failing row; in production by its deadline on a loaded machine)
// goes on where it stopped the next time. In one transaction it kept nothing, so a 50,000-agent
// import that always outlived its deadline never ended.
func TestSyncClientKeysKeepsWhatEachBatchApplied(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = 2*keysImportBatch + keysImportBatch/2
	entries := make([]clientkeys.Entry, n)
	for i := range entries {
		id := i + 1
		entries[i] = clientkeys.Entry{ID: id, Name: fmt.Sprintf("agent%05d", id), IP: "any", Key: fmt.Sprintf("key%05d", id)}
	}
	cut := keysImportBatch*2 + 7
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER cut BEFORE INSERT ON agent WHEN NEW.id = %d BEGIN SELECT RAISE(ABORT, 'cut'); END`, cut)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.ImportClientKeys(ctx, entries); err == nil || !strings.Contains(err.Error(), "cut") {
		t.Fatalf("import in one transaction: %v", err)
	}
	if got := countAgents(t, s); got != 0 {
		t.Fatalf("one transaction cut short kept %d agents", got)
	}
	added, _, _, err := s.SyncClientKeys(ctx, entries, 0)
	if err == nil || !strings.Contains(err.Error(), "cut") || added != 2*keysImportBatch {
		t.Fatalf("batched import cut short: added %d, %v", added, err)
	}
	if got := countAgents(t, s); got != 2*keysImportBatch {
		t.Fatalf("kept %d agents, want the %d of the batches before the cut", got, 2*keysImportBatch)
	}
	if _, err := s.db.ExecContext(ctx, `DROP TRIGGER cut`); err != nil {
		t.Fatal(err)
	}
	added, removed, updated, err := s.SyncClientKeys(ctx, entries, 0)
	if err != nil || added != n-2*keysImportBatch || removed != 0 || updated != 0 {
		t.Fatalf("the next import: added %d, removed %d, updated %d, %v", added, removed, updated, err)
	}
	// The same end as one transaction: positions in file order, unlisted agents deleted.
	entries[0], entries[n-1] = entries[n-1], entries[0]
	added, removed, updated, err = s.SyncClientKeys(ctx, entries[:n-1], 0)
	if err != nil || added != 0 || removed != 1 || updated != 0 {
		t.Fatalf("reordered, one dropped: added %d, removed %d, updated %d, %v", added, removed, updated, err)
	}
	// A step shorter than any transaction ends the import at its first one.
	if _, _, _, err := s.SyncClientKeys(ctx, entries, time.Nanosecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an import whose step is over at once: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(keyLines(t, s)), "\n")
	if len(lines) != n-1 || !strings.HasPrefix(lines[0], fmt.Sprintf("%03d ", n)) || !strings.HasPrefix(lines[1], "002 ") {
		t.Fatalf("client.keys after the reordered import: %d lines, first %q, %q", len(lines), lines[0], lines[1])
	}
}

func countAgents(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM agent`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
