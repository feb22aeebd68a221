package manager

import (
	"context"
	"errors"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// ignoredGroupsError is the one wazuh-db error Wazuh's worker does not count as a failure when
// it applies agent-groups (IGNORED_WDB_EXCEPTIONS): an agent the worker's database does not
// have yet, which its next client.keys load brings.
const ignoredGroupsError = "Cannot execute Global database query; FOREIGN KEY constraint failed"

// groupsStore is the agent-groups side of wazuh-db (actors.GroupsStore, §7).
//
// The master reads pending assignments without marking them (set_synced false, paged by
// last_id) and marks them once every worker took the broadcast, each only if its groups are
// still those sent (MarkGroupsSynced): Wazuh's master marks them as it reads them, so a
// broadcast that fails loses them until the next full resync.
type groupsStore struct {
	wdb *wdb.Client
	log *logrus.Entry
}

func (g groupsStore) PendingGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error) {
	return g.wdb.AgentGroups(ctx, wdb.ConditionSyncStatus, 0)
}

// AllGroups recalculates the group hashes first, as Wazuh's master does before a full send; a
// failed recalculation is a warning and the read goes on.
func (g groupsStore) AllGroups(ctx context.Context) ([]messages.AgentGroupsEntry, error) {
	if err := g.wdb.RecalculateAgentGroupHashes(ctx); err != nil && ctx.Err() == nil {
		var exc *messages.WazuhError
		if errors.As(err, &exc) {
			g.log.Warnf("Error %d executing recalculate agent-group hash command: %s", exc.Code, exc.Message())
		} else {
			g.log.Warnf("Error executing recalculate agent-group hash command: %v", err)
		}
	}
	return g.wdb.AgentGroups(ctx, wdb.ConditionAll, 0)
}

func (g groupsStore) MarkGroupsSynced(ctx context.Context, sent []messages.AgentGroupsEntry) error {
	return g.wdb.MarkGroupsSynced(ctx, sent)
}

func (g groupsStore) GlobalGroupHash(ctx context.Context) (string, bool, error) {
	return g.wdb.GlobalGroupHash(ctx)
}

// ApplyGroups is the worker's set-agent-groups of one page, as Wazuh's worker writes it.
func (g groupsStore) ApplyGroups(ctx context.Context, entries []messages.AgentGroupsEntry) error {
	err := g.wdb.SetAgentGroups(ctx, messages.AgentGroupsModeOverride, messages.AgentGroupsStatusSynced, entries)
	if err != nil && strings.Contains(err.Error(), ignoredGroupsError) {
		return nil
	}
	return err
}

func (g groupsStore) RecalculateGroupHashes(ctx context.Context) error {
	return g.wdb.RecalculateAgentGroupHashes(ctx)
}

// RebuildShared does nothing: the manager's remoted builds the groups' merged.mg.
func (g groupsStore) RebuildShared(context.Context, []string) error { return nil }
