package ha

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCommandsAppliedTwiceChangeNothing: a crash between the store's write and the saved
// applied index applies the last entry again.
func TestCommandsAppliedTwiceChangeNothing(t *testing.T) {
	st, err := wazuhdb.Open(filepath.Join(t.TempDir(), "global.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	f := &AgentsFSM{Store: st}
	cmds := []Command{
		{Op: OpGroupCreate, Body: mustJSON(t, GroupName{Name: "web"})},
		{Op: OpAgentAdd, Body: mustJSON(t, AgentAdd{ID: 1, Name: "a1", IP: "any", Key: "k1", Groups: []string{"web"}})},
		{Op: OpAgentAdd, Body: mustJSON(t, AgentAdd{ID: 2, Name: "a2", IP: "10.0.0.2", Key: "k2"})},
		{Op: OpGroupsSet, Body: mustJSON(t, GroupsSet{Mode: wazuhdb.ModeAppend, SyncStatus: "syncreq",
			Data: []wazuhdb.AgentGroups{{ID: 2, Groups: []string{"web"}}}})},
		{Op: OpAgentRemove, Body: mustJSON(t, AgentRemove{ID: 1})},
		{Op: OpGroupDelete, Body: mustJSON(t, GroupName{Name: "gone"})},
	}
	var snapshots [][]wazuhdb.Agent
	for i, c := range cmds {
		for range 2 {
			if _, err := f.Apply(ctx, c); err != nil {
				t.Fatalf("command %d (%s): %v", i, c.Op, err)
			}
			agents, err := st.Agents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			snapshots = append(snapshots, agents)
		}
		if n := len(snapshots); !reflect.DeepEqual(snapshots[n-2], snapshots[n-1]) {
			t.Fatalf("command %d (%s) applied again changed the store:\n%+v\n%+v", i, c.Op, snapshots[n-2], snapshots[n-1])
		}
	}
	// The removed agent's id still counts: it is never given again.
	if next, err := st.NextAgentID(ctx); err != nil || next != 3 {
		t.Fatalf("next id %d (%v), want 3", next, err)
	}
	// Another agent under a used id is refused, the same way on every member.
	_, err = f.Apply(ctx, Command{Op: OpAgentAdd, Body: mustJSON(t, AgentAdd{ID: 2, Name: "other", IP: "any", Key: "k3"})})
	if !errors.Is(err, wazuhdb.ErrDuplicateID) {
		t.Fatalf("a second agent under id 2: %v", err)
	}
	if _, err := f.Apply(ctx, Command{Op: "nonsense"}); !errors.Is(err, ErrUnknownCommand) {
		t.Fatalf("an unknown command: %v", err)
	}
}

// TestFileTreeKeepsTheNewestGeneration: an older generation applied again (after a crash)
// does not bring back an older tree's digest.
func TestFileTreeKeepsTheNewestGeneration(t *testing.T) {
	st, err := wazuhdb.Open(filepath.Join(t.TempDir(), "global.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	f := &AgentsFSM{Store: st}
	for _, ft := range []FileTree{{1, "d1"}, {2, "d2"}, {1, "d1"}, {2, "d2"}} {
		if _, err := f.Apply(ctx, Command{Op: OpFileTree, Body: mustJSON(t, ft)}); err != nil {
			t.Fatalf("file tree %+v: %v", ft, err)
		}
	}
	if gen, digest, err := st.FileTree(ctx); err != nil || gen != 2 || digest != "d2" {
		t.Fatalf("file tree %d %q (%v), want 2 d2", gen, digest, err)
	}
}
