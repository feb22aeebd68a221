package node

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/authd"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// daemons serves sendsync requests on the master (actors.Daemons): "authd" is the enrollment
// service's JSON API, "wazuh-db" the subset of wazuh-db global commands that manage groups.
type daemons struct {
	authd *authd.Service
	wdb   *wazuhdb.GlobalCommands
	// remoted answers a worker's assigngroup.
	remoted func(ctx context.Context, message []byte) []byte
}

func (d daemons) Dispatch(ctx context.Context, daemon string, message []byte) ([]byte, error) {
	switch daemon {
	case "authd":
		if d.authd == nil {
			return nil, fmt.Errorf("%w: authd", ErrDaemonUnavailable)
		}
		return d.authd.HandleJSON(ctx, message), nil
	case "wazuh-db":
		var command string
		if err := json.Unmarshal(message, &command); err != nil {
			// wazuh-db takes text; a JSON object is passed on as written.
			command = string(message)
		}
		return []byte(d.wdb.Run(ctx, strings.TrimSpace(command))), nil
	case "remoted":
		if d.remoted == nil {
			return nil, fmt.Errorf("%w: remoted", ErrDaemonUnavailable)
		}
		return d.remoted(ctx, message), nil
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnknownDaemon, messages.ClipForLog(daemon))
	}
}
