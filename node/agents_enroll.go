package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/node/daemon/authd"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/ha"
)

// enrollStore is the store as the master's enrollment service sees it (authd.Store).
type enrollStore struct{ st *wazuhdb.Store }

func toEnrollAgent(a wazuhdb.Agent) authd.Agent {
	return authd.Agent{ID: a.ID, Name: a.Name, IP: a.IP, Key: a.Key, Groups: a.Groups, DateAdd: a.DateAdd,
		ConnectionStatus: a.ConnectionStatus, DisconnectionTime: a.DisconnectionTime}
}

func (e enrollStore) found(a wazuhdb.Agent, ok bool, err error) (authd.Agent, bool, error) {
	if err != nil || !ok {
		return authd.Agent{}, false, err
	}
	return toEnrollAgent(a), true, nil
}

func (e enrollStore) AgentByName(ctx context.Context, name string) (authd.Agent, bool, error) {
	return e.found(e.st.AgentByName(ctx, name))
}

func (e enrollStore) AgentByIP(ctx context.Context, ip string) (authd.Agent, bool, error) {
	return e.found(e.st.AgentByIP(ctx, ip))
}

func (e enrollStore) Agent(ctx context.Context, id int) (authd.Agent, bool, error) {
	return e.found(e.st.Agent(ctx, id))
}

func (e enrollStore) AddAgent(ctx context.Context, a authd.Agent) (authd.Agent, error) {
	// syncreq: the new agent's groups go to the workers with the next agent-groups broadcast.
	added, err := e.st.AddAgent(ctx, wazuhdb.NewAgent{ID: a.ID, Name: a.Name, IP: a.IP, Key: a.Key,
		Groups: a.Groups, DateAdd: a.DateAdd, GroupSyncStatus: "syncreq"})
	if errors.Is(err, wazuhdb.ErrDuplicateID) {
		return authd.Agent{}, fmt.Errorf("%w: %w", authd.ErrDuplicateID, err)
	}
	if err != nil {
		return authd.Agent{}, err
	}
	return toEnrollAgent(added), nil
}

func (e enrollStore) RemoveAgent(ctx context.Context, id int, purge bool) error {
	err := e.st.RemoveAgent(ctx, id, purge)
	if errors.Is(err, wazuhdb.ErrAgentNotFound) {
		return fmt.Errorf("%w: %w", authd.ErrAgentNotFound, err)
	}
	return err
}

// replicatedEnrollStore is the enrollment store of a master-eligible node: it reads the local
// replica, and commits every change through the replicated log, answering once the change is
// applied here (so the enrollment reply follows the commit). Only the acting master decides
// (its replica has every committed change: ha.Member.View); it allocates the new agent's id
// so that every replica stores the agent under the same one.
type replicatedEnrollStore struct {
	enrollStore
	n *Node
}

func (e replicatedEnrollStore) member() (*ha.Member, error) {
	if e.n.repl == nil || !e.n.repl.acting() {
		return nil, ErrNotActingMaster
	}
	return e.n.repl.member, nil
}

func (e replicatedEnrollStore) AddAgent(ctx context.Context, a authd.Agent) (authd.Agent, error) {
	m, err := e.member()
	if err != nil {
		return authd.Agent{}, err
	}
	id := a.ID
	if id == 0 {
		if id, err = e.st.NextAgentID(ctx); err != nil {
			return authd.Agent{}, err
		}
	}
	_, err = m.Propose(ctx, ha.OpAgentAdd, ha.AgentAdd{ID: id, Name: a.Name, IP: a.IP, Key: a.Key, Groups: a.Groups,
		DateAdd: a.DateAdd, GroupSyncStatus: "syncreq"})
	if errors.Is(err, wazuhdb.ErrDuplicateID) {
		return authd.Agent{}, fmt.Errorf("%w: %w", authd.ErrDuplicateID, err)
	}
	if err != nil {
		return authd.Agent{}, fmt.Errorf("commit agent %q: %w", a.Name, err)
	}
	added, ok, err := e.st.Agent(ctx, id)
	if err != nil || !ok {
		return authd.Agent{}, fmt.Errorf("read agent %03d back after its commit: %w", id, errors.Join(err, wazuhdb.ErrAgentNotFound))
	}
	return toEnrollAgent(added), nil
}

func (e replicatedEnrollStore) RemoveAgent(ctx context.Context, id int, purge bool) error {
	m, err := e.member()
	if err != nil {
		return err
	}
	if _, ok, err := e.st.Agent(ctx, id); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%w: %03d", authd.ErrAgentNotFound, id)
	}
	if _, err := m.Propose(ctx, ha.OpAgentRemove, ha.AgentRemove{ID: id, Purge: purge}); err != nil {
		return fmt.Errorf("commit the removal of agent %03d: %w", id, err)
	}
	return nil
}

// replicatedGroups commits the master's changes of groups and assignments through the
// replicated log (the acting master only), answering once they are applied here.
type replicatedGroups struct{ n *Node }

func (g replicatedGroups) propose(ctx context.Context, op string, body any) error {
	m, err := replicatedEnrollStore{n: g.n}.member()
	if err != nil {
		return err
	}
	_, err = m.Propose(ctx, op, body)
	return err
}

func (g replicatedGroups) SetAgentGroups(ctx context.Context, mode wazuhdb.SetMode, syncStatus string, data []wazuhdb.AgentGroups) error {
	return g.propose(ctx, ha.OpGroupsSet, ha.GroupsSet{Mode: mode, SyncStatus: syncStatus, Data: data})
}

func (g replicatedGroups) CreateGroup(ctx context.Context, name string) error {
	return g.propose(ctx, ha.OpGroupCreate, ha.GroupName{Name: name})
}

func (g replicatedGroups) DeleteGroup(ctx context.Context, name string) error {
	return g.propose(ctx, ha.OpGroupDelete, ha.GroupName{Name: name})
}

// groupsWriter is what makes the master's changes of groups and assignments: the store, or on
// a master-eligible node the replicated log.
func (n *Node) groupsWriter() wazuhdb.GroupsWriter {
	if n.replicaIP != "" {
		return replicatedGroups{n: n}
	}
	return n.agents.st
}
