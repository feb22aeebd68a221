package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/node/daemon/authd"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
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
