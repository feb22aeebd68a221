package node

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// Default-group assignments asked at the same time are written together: many new agents
// (every worker's, through sendsync) cost a few transactions, not one each.
func TestDefaultGroupAssignmentsAreWrittenTogether(t *testing.T) {
	st, err := wazuhdb.Open(filepath.Join(t.TempDir(), "global.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.CreateGroup(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	const agents = 200
	ids := make([]int, agents)
	for i := range ids {
		a, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: fmt.Sprintf("agent%d", i), Key: "k"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	// One agent was given a group meanwhile: empty_only keeps it.
	if err := st.SetAgentGroups(ctx, wazuhdb.ModeOverride, "synced", []wazuhdb.AgentGroups{{ID: ids[7], Groups: []string{"default"}}}); err != nil {
		t.Fatal(err)
	}
	db := &agentDB{st: st, groups: st}
	var changed atomic.Int64
	before := st.Generation()
	var wg sync.WaitGroup
	errs := make(chan error, agents)
	for _, id := range ids {
		wg.Go(func() {
			groups, err := db.assignDefaultGroup(ctx, id, func() { changed.Add(1) })
			if err == nil && !slices.Equal(groups, []string{"default"}) {
				err = fmt.Errorf("agent %d: groups %v", id, groups)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	writes := st.Generation() - before
	if writes == 0 || writes > agents/4 {
		t.Fatalf("%d assignments took %d writes", agents, writes)
	}
	if n := changed.Load(); n != int64(writes) {
		t.Fatalf("the agent-groups were told of %d changes for %d writes", n, writes)
	}
	t.Logf("%d assignments in %d writes", agents, writes)

	// Asked again (a worker that has not yet heard the agents' groups), the master answers
	// with the groups they have, writing nothing and telling no one.
	before, told := st.Generation(), changed.Load()
	for _, id := range ids[:20] {
		groups, err := db.assignDefaultGroup(ctx, id, func() { changed.Add(1) })
		if err != nil || !slices.Equal(groups, []string{"default"}) {
			t.Fatalf("agent %d asked again: groups %v, %v", id, groups, err)
		}
	}
	if w, n := st.Generation()-before, changed.Load()-told; w != 0 || n != 0 {
		t.Fatalf("assignments of agents that have groups: %d writes, %d changes told", w, n)
	}
}
