package ha

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// The commands of the master's replicated state.
const (
	OpAgentAdd    = "agent_add"
	OpAgentRemove = "agent_remove"
	OpGroupsSet   = "groups_set"
	OpGroupCreate = "group_create"
	OpGroupDelete = "group_delete"
	OpFileTree    = "file_tree"
)

// AgentAdd registers an agent. ID is chosen by the acting master (Store.NextAgentID), never 0,
// so that every replica stores it under the same id.
type AgentAdd struct {
	ID              int      `json:"id"`
	Name            string   `json:"name"`
	IP              string   `json:"ip"`
	Key             string   `json:"key"`
	Groups          []string `json:"groups,omitempty"`
	DateAdd         int64    `json:"date_add"`
	GroupSyncStatus string   `json:"group_sync_status,omitempty"`
}

// AgentRemove removes an agent; unless Purge its client.keys entry stays as a removed one,
// whose id still counts (ids are never reused).
type AgentRemove struct {
	ID    int  `json:"id"`
	Purge bool `json:"purge"`
}

// GroupsSet is wazuh-db's set-agent-groups.
type GroupsSet struct {
	Mode       wazuhdb.SetMode       `json:"mode"`
	SyncStatus string                `json:"sync_status"`
	Data       []wazuhdb.AgentGroups `json:"data"`
}

// GroupName names a group to create or delete.
type GroupName struct {
	Name string `json:"name"`
}

// FileTree records the file tree (etc/shared, rules, decoders, lists) the acting master is
// about to distribute: its Generation (one more than the last) and the Digest of its metadata.
type FileTree struct {
	Generation uint64 `json:"generation"`
	Digest     string `json:"digest"`
}

// AgentAdded is the answer to OpAgentAdd.
type AgentAdded struct {
	ID int `json:"id"`
}

// AgentsFSM applies the master's replicated state to the node's embedded store. Every command
// is idempotent, since a crash between the store's write and the saved applied index applies
// the last entry again: an agent already stored under the entry's id with its name and key is
// the entry itself; removing a missing agent, creating an existing group, deleting a missing
// one change nothing; set-agent-groups sets, it does not add.
type AgentsFSM struct {
	Store *wazuhdb.Store
	// Changed, when set, runs after a command changed the store (client.keys and the
	// agent-groups broadcast follow the store).
	Changed func()
}

// Apply implements FSM.
func (f *AgentsFSM) Apply(ctx context.Context, cmd Command) ([]byte, error) {
	out, err := f.apply(ctx, cmd)
	if err == nil && f.Changed != nil {
		f.Changed()
	}
	return out, err
}

func (f *AgentsFSM) apply(ctx context.Context, cmd Command) ([]byte, error) {
	switch cmd.Op {
	case OpAgentAdd:
		var a AgentAdd
		if err := json.Unmarshal(cmd.Body, &a); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Op, err)
		}
		return f.add(ctx, a)
	case OpAgentRemove:
		var r AgentRemove
		if err := json.Unmarshal(cmd.Body, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Op, err)
		}
		err := f.Store.RemoveAgent(ctx, r.ID, r.Purge)
		if errors.Is(err, wazuhdb.ErrAgentNotFound) {
			return nil, nil
		}
		return nil, err
	case OpGroupsSet:
		var g GroupsSet
		if err := json.Unmarshal(cmd.Body, &g); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Op, err)
		}
		return nil, f.Store.SetAgentGroups(ctx, g.Mode, g.SyncStatus, g.Data)
	case OpGroupCreate, OpGroupDelete:
		var g GroupName
		if err := json.Unmarshal(cmd.Body, &g); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Op, err)
		}
		if cmd.Op == OpGroupCreate {
			return nil, f.Store.CreateGroup(ctx, g.Name)
		}
		return nil, f.Store.DeleteGroup(ctx, g.Name)
	case OpFileTree:
		var t FileTree
		if err := json.Unmarshal(cmd.Body, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Op, err)
		}
		return nil, f.Store.SetFileTree(ctx, t.Generation, t.Digest)
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownCommand, cmd.Op)
	}
}

// AppliedIndex implements AppliedIndexer.
func (f *AgentsFSM) AppliedIndex(ctx context.Context) (uint64, error) {
	return f.Store.ReplicationApplied(ctx)
}

// SetAppliedIndex implements AppliedIndexer.
func (f *AgentsFSM) SetAppliedIndex(ctx context.Context, index uint64) error {
	return f.Store.SetReplicationApplied(ctx, index)
}

func (f *AgentsFSM) add(ctx context.Context, a AgentAdd) ([]byte, error) {
	if a.ID <= 0 {
		return nil, fmt.Errorf("%s %q: %w: the acting master allocates the id", OpAgentAdd, a.Name, wazuhdb.ErrInvalidAgent)
	}
	existing, found, err := f.Store.Agent(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if found && existing.Name == a.Name && existing.Key == a.Key {
		return json.Marshal(AgentAdded{ID: a.ID}) // applied already
	}
	added, err := f.Store.AddAgent(ctx, wazuhdb.NewAgent{ID: a.ID, Name: a.Name, IP: a.IP, Key: a.Key,
		Groups: a.Groups, DateAdd: a.DateAdd, GroupSyncStatus: a.GroupSyncStatus})
	if err != nil {
		return nil, err
	}
	return json.Marshal(AgentAdded{ID: added.ID})
}
