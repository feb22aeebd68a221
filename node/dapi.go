package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/framework"
	"github.com/clusterd/clusterd/node/logging"
)

// dapiExecutor is the node's distributed API executor: the framework functions clusterd runs
// natively, over this node's cluster state and agent store.
func (n *Node) dapiExecutor() *framework.Native {
	s := n.settings
	cfg := framework.Config{
		Node: framework.Node{Name: s.NodeName, Type: s.NodeType, Cluster: s.ClusterName, Home: n.opts.Home,
			Config: clusterConfigObject(n.cfg)},
		Cluster: &clusterView{n: n, ruleset: &integrity.Scanner{Home: n.opts.Home, Workers: 1}},
		Manager: framework.HostManager(s.NodeName, s.Version, time.Now()),
		Log:     logging.Tagged(n.log, "D API", "Native"),
	}
	if n.agents != nil {
		cfg.Store = n.agents.st
		cfg.OwnDaemons = append(cfg.OwnDaemons, "wazuh-db")
		if !n.cfg.Auth.Disabled {
			cfg.OwnDaemons = append(cfg.OwnDaemons, "wazuh-authd")
		}
		if r := n.cfg.Remote; !r.Disabled && (r.TCP || r.UDP) {
			cfg.OwnDaemons = append(cfg.OwnDaemons, "wazuh-remoted")
		}
		if s.IsMaster() {
			cfg.Groups = groupWriter{st: n.groupsWriter(), changed: n.groupsChanged}
		}
	}
	if n.manager != nil {
		// Wazuh mode: the same functions over the manager's wazuh-db; the manager's own
		// daemons run beside clusterd, so none is clusterd's to report.
		cfg.Store = n.manager.AgentTables()
		if s.IsMaster() {
			cfg.Groups = nudgingGroups{Groups: n.manager.GroupAssigner(), changed: n.groupsChanged}
		}
	}
	return framework.New(cfg)
}

// groupWriter applies the framework's group assignments to the store, as wazuh-db's
// set-agent-groups with sync_status syncreq, and has them sent to the workers.
type groupWriter struct {
	st      wazuhdb.GroupsWriter
	changed func()
}

func (g groupWriter) SetAgentGroup(ctx context.Context, id int, group, mode string) error {
	err := g.st.SetAgentGroups(ctx, wazuhdb.SetMode(mode), "syncreq", []wazuhdb.AgentGroups{{ID: id, Groups: []string{group}}})
	if err != nil {
		return fmt.Errorf("set the groups of agent %03d: %w", id, err)
	}
	g.changed()
	return nil
}

// nudgingGroups has the master's agent-groups task run at once after an assignment.
type nudgingGroups struct {
	framework.Groups
	changed func()
}

func (g nudgingGroups) SetAgentGroup(ctx context.Context, id int, group, mode string) error {
	if err := g.Groups.SetAgentGroup(ctx, id, group, mode); err != nil {
		return err
	}
	g.changed()
	return nil
}

// clusterView is the cluster as the framework functions read it: the master's peers on a
// master, the master's answers on a worker.
type clusterView struct {
	n *Node

	mu      sync.Mutex // one ruleset scan at a time (the scanner keeps its cache)
	ruleset *integrity.Scanner
	last    integrity.Metadata // the last scan's, so unchanged files are not read again
}

// nodesTimeout bounds a question to the actors when the request gives no deadline.
const nodesTimeout = 20 * time.Second

// Nodes asks the master's peers for the nodes and their health (a future: the executor runs
// outside any actor), or, on a worker, asks the master as Wazuh's worker relays get_nodes and
// get_health.
func (v *clusterView) Nodes(ctx context.Context) (framework.NodesView, error) {
	kit := v.n.kit
	if kit == nil {
		return framework.NodesView{}, messages.ErrWorkerNotConnected.New()
	}
	switch master, worker := kit.Directory.Master(), kit.Directory.Worker(); {
	case master != nil:
		timeout := nodesTimeout
		if d, ok := ctx.Deadline(); ok {
			timeout = max(time.Until(d), time.Millisecond)
		}
		res, err := kit.System.Root.RequestFuture(master.Peers, &actors.NodesQuery{}, timeout).Result()
		if err != nil {
			return framework.NodesView{}, fmt.Errorf("ask the master's peers: %w", err)
		}
		snap, ok := res.(*actors.NodesSnapshot)
		if !ok {
			return framework.NodesView{}, fmt.Errorf("ask the master's peers: unexpected answer %T", res)
		}
		return framework.NodesView{Nodes: snap.Nodes, Health: snap.Health}, nil
	case worker != nil:
		return v.askMaster(ctx, actors.NewRequester(kit, worker.Master))
	}
	return framework.NodesView{}, messages.ErrWorkerNotConnected.New()
}

// askMaster is get_nodes (every node) and get_health (every node) sent to the master.
func (v *clusterView) askMaster(ctx context.Context, r *actors.Requester) (framework.NodesView, error) {
	args := messages.DefaultGetNodesArgs()
	args.Limit = messages.MaxNodesLimit
	answer, err := askOK(ctx, r, messages.CmdGetNodes, args.Encode())
	if err != nil {
		return framework.NodesView{}, err
	}
	nodes, err := messages.ParseNodesResult(answer)
	if err != nil {
		return framework.NodesView{}, messages.ErrJSONNotLoaded.With(err.Error())
	}
	answer, err = askOK(ctx, r, messages.CmdGetHealth, []byte("null"))
	if err != nil {
		return framework.NodesView{}, err
	}
	health, err := messages.ParseHealth(answer)
	if err != nil {
		return framework.NodesView{}, messages.ErrJSONNotLoaded.With(err.Error())
	}
	view := framework.NodesView{Health: health.Nodes}
	for _, it := range nodes.Items {
		view.Nodes = append(view.Nodes, it.Info())
	}
	return view, nil
}

// askOK sends one request to the master and returns the payload of its ok answer; an err
// answer is the exception it carries.
func askOK(ctx context.Context, r *actors.Requester, command string, payload []byte) ([]byte, error) {
	f, err := r.Request(ctx, command, payload)
	if err != nil {
		var we *messages.WazuhError
		if errors.As(err, &we) {
			return nil, we
		}
		return nil, messages.ErrWorkerNotConnected.With(err.Error())
	}
	if f.Command == messages.CmdErr {
		return nil, messages.ResponseError(f.Payload)
	}
	return f.Payload, nil
}

// RulesetHashes is get_hash (get_ruleset_status): the hash of each file of the custom
// ruleset (etc/rules, etc/decoders, etc/lists), by path relative to WAZUH_HOME.
func (v *clusterView) RulesetHashes(ctx context.Context) (messages.Object, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	meta, _, err := v.ruleset.Scan(ctx, v.last)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return messages.Object{}, nil
		}
		return nil, fmt.Errorf("hash the ruleset: %w", err)
	}
	v.last = meta
	var paths []string
	for path, m := range meta {
		for _, key := range integrity.RulesetKeys {
			if m.ClusterItemKey == key {
				paths = append(paths, path)
			}
		}
	}
	rank := func(path string) int {
		for i, key := range integrity.RulesetKeys {
			if meta[path].ClusterItemKey == key {
				return i
			}
		}
		return len(integrity.RulesetKeys)
	}
	sort.Slice(paths, func(i, j int) bool {
		if ri, rj := rank(paths[i]), rank(paths[j]); ri != rj {
			return ri < rj
		}
		return paths[i] < paths[j]
	})
	out := make(messages.Object, len(paths))
	for i, p := range paths {
		out[i] = messages.Member{Key: p, Value: meta[p].Hash}
	}
	return out, nil
}
