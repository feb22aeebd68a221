package manager

import (
	"context"
	"fmt"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/proto/wdb"
)

// AgentTables are the manager's agent tables (global.db: agent, labels, `group`, belongs) as
// the native DAPI functions read them (node/framework's Store): each statement goes to the
// manager's wazuh-db as `global sql`, its arguments written in as literals, in pages, as
// Wazuh's framework pages it (WazuhDBConnection.execute). The native functions then answer
// the agents and groups requests without the manager's Python framework, in Wazuh mode as in
// standalone mode.
type AgentTables struct {
	wdb  *wdb.Client
	cols wazuhdb.Columns
}

// AgentTables returns the manager's agent tables (the Manager's Close releases them).
func (m *Manager) AgentTables() *AgentTables { return m.tables }

// SelectGlobal runs one read-only statement over the agent tables with args bound and calls
// row with each row (NULL as nil, integers as int64, text as string).
func (t *AgentTables) SelectGlobal(ctx context.Context, query string, args []any, row func(values []any) error) error {
	cols, err := t.cols.Of(ctx, "SELECT * FROM ("+query+")", args...)
	if err != nil {
		return fmt.Errorf("name the statement's columns: %w", err)
	}
	statement, err := wdb.BindArgs(query, args)
	if err != nil {
		return err
	}
	return t.wdb.Select(ctx, statement, cols, 0, row)
}

// Close releases the statement-naming database.
func (t *AgentTables) Close() error { return t.cols.Close() }

// GroupAssigner changes agents' groups in the manager's wazuh-db, as the framework's
// assign_agents_to_group does: set-agent-groups with sync_status syncreq, which the master's
// agent-groups task then sends to the workers.
type GroupAssigner struct{ wdb *wdb.Client }

// GroupAssigner returns the group writer over the manager's wazuh-db.
func (m *Manager) GroupAssigner() GroupAssigner { return GroupAssigner{wdb: m.wdb} }

// SetAgentGroup applies one group to one agent in mode append, override or remove.
func (g GroupAssigner) SetAgentGroup(ctx context.Context, id int, group, mode string) error {
	err := g.wdb.SetAgentGroups(ctx, mode, "syncreq", []messages.AgentGroupsEntry{{ID: id, Groups: []string{group}}})
	if err != nil {
		return fmt.Errorf("set the groups of agent %03d: %w", id, err)
	}
	return nil
}
