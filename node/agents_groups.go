package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/groupfiles"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// groupsPageSize is how many agents one store read returns while collecting assignments.
const groupsPageSize = 10000

// groupsStore is the store seen by the agent-groups actors (actors.GroupsStore).
type groupsStore struct {
	st        *wazuhdb.Store
	sharedDir string
	hold      *groupsHold // master: while held, nothing that is sent to the workers can be read
}

func (g groupsStore) PendingGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error) {
	if err := g.hold.check(); err != nil {
		return nil, err
	}
	return g.collect(ctx, "sync_status")
}

func (g groupsStore) AllGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error) {
	if err := g.hold.check(); err != nil {
		return nil, err
	}
	return g.collect(ctx, "all")
}

func (g groupsStore) collect(ctx context.Context, condition string) ([]messages.AgentGroupsEntry, error) {
	var out []messages.AgentGroupsEntry
	last := 0
	for {
		page, more, err := g.st.AgentGroupsPage(ctx, wazuhdb.GroupsQuery{Condition: condition, LastID: last, Limit: groupsPageSize})
		if err != nil {
			return nil, fmt.Errorf("read agent-groups: %w", err)
		}
		for _, a := range page.Data {
			out = append(out, messages.AgentGroupsEntry{ID: a.ID, Name: a.Name, Groups: a.Groups})
			last = a.ID
		}
		if !more || len(page.Data) == 0 {
			return out, nil
		}
	}
}

func (g groupsStore) MarkGroupsSynced(ctx context.Context, sent []messages.AgentGroupsEntry) error {
	return g.st.MarkGroupsSynced(ctx, toStoreGroups(sent))
}

func (g groupsStore) GlobalGroupHash(ctx context.Context) (string, bool, error) {
	if err := g.hold.check(); err != nil {
		return "", false, err
	}
	return g.st.GlobalGroupHash(ctx)
}

func (g groupsStore) ApplyGroups(ctx context.Context, entries []messages.AgentGroupsEntry) error {
	return g.st.SetAgentGroups(ctx, wazuhdb.SetMode("override"), "synced", toStoreGroups(entries))
}

func (g groupsStore) RecalculateGroupHashes(ctx context.Context) error {
	return g.st.RecalculateGroupHashes(ctx)
}

func (g groupsStore) RebuildShared(_ context.Context, groups []string) error {
	if groups == nil {
		_, err := groupfiles.BuildAllMerged(g.sharedDir)
		return err
	}
	var errs []error
	for _, group := range groups {
		if _, _, err := groupfiles.BuildMerged(g.sharedDir, group); err != nil && !errors.Is(err, groupfiles.ErrNotGroupFolder) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func toStoreGroups(entries []messages.AgentGroupsEntry) []wazuhdb.AgentGroups {
	out := make([]wazuhdb.AgentGroups, len(entries))
	for i, e := range entries {
		out[i] = wazuhdb.AgentGroups{ID: e.ID, Name: e.Name, Groups: e.Groups}
	}
	return out
}
