package node

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/daemon/remoted"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/logging"
)

// keysPoll is how often remoted looks at client.keys; Wazuh's remoted waits up to 10 s.
const keysPoll = time.Second

// remotedStore is the store as remoted sees it (remoted.Store).
type remotedStore struct{ st *wazuhdb.Store }

func (r remotedStore) RecordStartup(ctx context.Context, id int, sync string) error {
	return r.st.RecordStartup(ctx, id, sync)
}

func (r remotedStore) RecordKeepalive(ctx context.Context, id int, d remoted.KeepaliveData, sync string, now int64) error {
	labels := make([]wazuhdb.Label, len(d.Labels))
	for i, l := range d.Labels {
		labels[i] = wazuhdb.Label{Key: l.Key, Value: l.Value}
	}
	return r.st.RecordKeepalive(ctx, id, wazuhdb.KeepaliveData{
		Version: d.Version, ConfigSum: d.ConfigSum, MergedSum: d.MergedSum, ManagerHost: d.ManagerHost,
		NodeName: d.NodeName, AgentIP: d.AgentIP, Labels: labels,
		OSName: d.OS.Name, OSVersion: d.OS.Version, OSMajor: d.OS.Major, OSMinor: d.OS.Minor,
		OSCodename: d.OS.Codename, OSPlatform: d.OS.Platform, OSBuild: d.OS.Build, OSUname: d.OS.Uname,
		OSArch: d.OS.Arch, GroupConfigStatus: d.GroupConfigStatus,
	}, sync, now)
}

func (r remotedStore) RecordKeepaliveOnly(ctx context.Context, id int, sync string, now int64) error {
	return r.st.RecordKeepaliveOnly(ctx, id, sync, now)
}

func (r remotedStore) RecordStatusCode(ctx context.Context, id, code int, version, sync string) error {
	return r.st.RecordStatusCode(ctx, id, code, version, sync)
}

func (r remotedStore) RecordDisconnected(ctx context.Context, id, code int, sync string, now int64) error {
	return r.st.RecordDisconnected(ctx, id, code, sync, now)
}

func (r remotedStore) DisconnectStale(ctx context.Context, olderThan int64, sync string, now int64) ([]int, error) {
	return r.st.DisconnectStale(ctx, olderThan, sync, now)
}

func (r remotedStore) ResetConnections(ctx context.Context, now int64) error {
	return r.st.ResetConnections(ctx, now)
}

func (r remotedStore) AgentGroups(ctx context.Context, id int) ([]string, error) {
	groups, _, err := r.st.AgentGroupNames(ctx, id)
	return groups, err
}

// assignDefaultGroup gives an agent without groups the "default" group on the master, as
// remoted does (empty_only: an assignment made meanwhile wins), in one write with the other
// assignments asked meanwhile.
func (db *agentDB) assignDefaultGroup(ctx context.Context, id int, changed func()) ([]string, error) {
	db.defaultsOnce.Do(func() { db.defaults = &defaultAssigner{db: db, changed: changed} })
	return db.defaults.assign(ctx, id)
}

// groupAssigner is remoted's GroupAssigner: the master assigns itself, a worker asks the master's
// remoted through sendsync (assigngroup), as Wazuh's worker does.
func (n *Node) groupAssigner() remoted.GroupAssigner {
	if n.settings.IsMaster() {
		return func(ctx context.Context, id int, _ string) ([]string, error) {
			return n.agents.assignDefaultGroup(ctx, id, n.groupsChanged)
		}
	}
	return func(ctx context.Context, id int, md5 string) ([]string, error) {
		msg, _ := json.Marshal(map[string]any{"command": "assigngroup",
			"parameters": map[string]string{"agent": fmt.Sprintf("%03d", id), "md5": md5}})
		body := append(append([]byte(`{"daemon_name":"remoted","message":`), msg...), '}')
		answer, err := actors.Forward(ctx, n.kit, body)
		if err != nil {
			return nil, err
		}
		var reply struct {
			Error int `json:"error"`
			Data  struct {
				Group string `json:"group"`
			} `json:"data"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(answer, &reply); err != nil || reply.Error != 0 {
			return nil, fmt.Errorf("%w: assigngroup: %s", ErrDaemonUnavailable, answer)
		}
		return strings.Split(reply.Data.Group, ","), nil
	}
}

// assignGroupAnswer serves a worker's assigngroup on the master's "remoted" daemon.
func (db *agentDB) assignGroupAnswer(ctx context.Context, message []byte, changed func()) []byte {
	var req struct {
		Command    string `json:"command"`
		Parameters struct {
			Agent string `json:"agent"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(message, &req); err != nil || req.Command != "assigngroup" {
		return []byte(`{"error":1,"message":"Invalid request"}`)
	}
	id, err := strconv.Atoi(req.Parameters.Agent)
	if err != nil {
		return []byte(`{"error":1,"message":"Invalid agent ID"}`)
	}
	groups, err := db.assignDefaultGroup(ctx, id, changed)
	if err != nil {
		out, _ := json.Marshal(map[string]any{"error": 1, "message": err.Error()})
		return out
	}
	out, _ := json.Marshal(map[string]any{"error": 0, "message": "ok", "data": map[string]string{"group": strings.Join(groups, ",")}})
	return out
}

// startRemoted starts the agent listener (<remote>) on the node's bind address.
func (n *Node) startRemoted() error {
	r := n.cfg.Remote
	if n.agents == nil || r.Disabled || (!r.TCP && !r.UDP) {
		return nil
	}
	host := n.settings.BindAddr
	if r.LocalIP != "" {
		host = r.LocalIP
	}
	addr := net.JoinHostPort(host, strconv.Itoa(r.Port))
	cfg := remoted.Config{
		Home: n.opts.Home, NodeName: n.settings.NodeName, Worker: !n.settings.IsMaster(),
		ManagerVersion: "v" + n.settings.Version, AllowHigherVersions: r.AllowHigherVersions,
		DisconnectionTime: r.AgentsDisconnectionTime, ConnectionOvertake: r.ConnectionOvertake,
		KeysPoll: keysPoll, Log: logging.Tagged(n.log, "Remoted", "Main"),
		MaxConnections: n.budget.Agents, IdentifyTimeout: n.cfg.Internal.Clusterd.AgentIdentifyTimeout,
	}
	if r.TCP {
		cfg.TCPAddr = addr
	}
	if r.UDP {
		cfg.UDPAddr = addr
	}
	srv, err := remoted.New(cfg, remotedStore{st: n.agents.st}, n.groupAssigner())
	if err != nil {
		return fmt.Errorf("agent listener: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("agent listener: %w", err)
	}
	n.agents.remoted = srv
	return nil
}

// stopRemoted stops the agent listener and flushes its archive.
func (n *Node) stopRemoted() error {
	if n.agents == nil || n.agents.remoted == nil {
		return nil
	}
	err := n.agents.remoted.Stop()
	n.agents.remoted = nil
	if err != nil {
		return fmt.Errorf("stop the agent listener: %w", err)
	}
	return nil
}

// AgentAddr is the bound TCP address agents connect to (nil when the listener is off).
func (n *Node) AgentAddr() net.Addr {
	if n.agents == nil || n.agents.remoted == nil {
		return nil
	}
	return n.agents.remoted.TCPAddr()
}

// Remoted is the node's agent listener (tests read its statistics).
func (n *Node) Remoted() *remoted.Server {
	if n.agents == nil {
		return nil
	}
	return n.agents.remoted
}
