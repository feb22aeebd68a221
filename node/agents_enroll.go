package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/enroll"
)

// enrollStore is the store as the master's enrollment service sees it (enroll.Store).
type enrollStore struct{ st *wazuhdb.Store }

func toEnrollAgent(a wazuhdb.Agent) enroll.Agent {
	return enroll.Agent{ID: a.ID, Name: a.Name, IP: a.IP, Key: a.Key, Groups: a.Groups, DateAdd: a.DateAdd,
		ConnectionStatus: a.ConnectionStatus, DisconnectionTime: a.DisconnectionTime}
}

func (e enrollStore) found(a wazuhdb.Agent, ok bool, err error) (enroll.Agent, bool, error) {
	if err != nil || !ok {
		return enroll.Agent{}, false, err
	}
	return toEnrollAgent(a), true, nil
}

func (e enrollStore) AgentByName(ctx context.Context, name string) (enroll.Agent, bool, error) {
	return e.found(e.st.AgentByName(ctx, name))
}

func (e enrollStore) AgentByIP(ctx context.Context, ip string) (enroll.Agent, bool, error) {
	return e.found(e.st.AgentByIP(ctx, ip))
}

func (e enrollStore) Agent(ctx context.Context, id int) (enroll.Agent, bool, error) {
	return e.found(e.st.Agent(ctx, id))
}

func (e enrollStore) AddAgent(ctx context.Context, a enroll.Agent) (enroll.Agent, error) {
	// syncreq: the new agent's groups go to the workers with the next agent-groups broadcast.
	added, err := e.st.AddAgent(ctx, wazuhdb.NewAgent{ID: a.ID, Name: a.Name, IP: a.IP, Key: a.Key,
		Groups: a.Groups, DateAdd: a.DateAdd, GroupSyncStatus: "syncreq"})
	if errors.Is(err, wazuhdb.ErrDuplicateID) {
		return enroll.Agent{}, fmt.Errorf("%w: %w", enroll.ErrDuplicateID, err)
	}
	if err != nil {
		return enroll.Agent{}, err
	}
	return toEnrollAgent(added), nil
}

func (e enrollStore) RemoveAgent(ctx context.Context, id int, purge bool) error {
	err := e.st.RemoveAgent(ctx, id, purge)
	if errors.Is(err, wazuhdb.ErrAgentNotFound) {
		return fmt.Errorf("%w: %w", enroll.ErrAgentNotFound, err)
	}
	return err
}
