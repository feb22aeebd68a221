package dapi

import (
	"fmt"
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// Cluster is what routing needs to know of the cluster, as this node sees it.
type Cluster struct {
	Self   string // this node's name
	Master bool   // this node is the master
	// Connected are the nodes the master's get_nodes lists: itself first, then the workers
	// connected now, in the order they connected. Only the master's view is read.
	Connected []string
}

// AgentNode is an agent and the node it reports to ("" when the store has none).
type AgentNode struct {
	ID   string
	Node string
}

// AgentQuery selects agents: those with one of IDs, or those reporting to one of Nodes, or
// every agent when both are nil.
type AgentQuery struct {
	IDs   []string
	Nodes []string
}

// AgentLocator answers from the master's agent store (Wazuh's global.db) where agents report,
// as get_agents_overview(select=["node_name"]) does for get_solver_node: the agents matching the
// query, ordered by id, the manager itself (000, on the master) included, ids unknown to the
// store left out.
type AgentLocator interface {
	LocateAgents(q AgentQuery) ([]AgentNode, error)
}

// Action is what a node does with a request.
type Action int

// The three ways of distribute_function (DAPI §3.3, cluster §12.2).
const (
	RunHere      Action = iota // execute on this node
	SendToMaster               // a worker sends it to its master (cluster dapi) and relays the answer
	Distribute                 // the master runs each Target's share and merges the answers (Plan.Finish)
)

func (a Action) String() string {
	switch a {
	case RunHere:
		return "run here"
	case SendToMaster:
		return "send to master"
	case Distribute:
		return "distribute"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Target is one node's share of a distributed request.
type Target struct {
	Node    string
	Local   bool     // this node's own share: run Request with the executor
	Known   bool     // a node the master is connected to; false: answer Plan.UnknownNode at once
	Request *Request // the request for that node: from_cluster set, its agents in agent_id/agent_list
}

// Plan is Route's answer.
type Plan struct {
	Action  Action
	Request *Request // RunHere: the request to run; Distribute: the request after routing consumed its node arguments
	Targets []Target // Distribute: in Wazuh's order, which is the order of the merge

	merge   bool           // more than one node was allowed: the answers are folded with |
	allowed *AffectedItems // allowed_nodes: the routing's own failed items, and the answer when no node is left
	cluster Cluster
}

// Route is distribute_function's choice for a request this node's queue runs: the master's
// queue (requests from its local socket and from workers) or a worker's queue (requests its
// master forwards). A worker does not route what its own local socket receives: it sends every
// such dapi to the master unchanged, as Wazuh's worker does (DAPI §1.3).
//
// local_any runs where it is; local_master runs on the master (a worker sends it there);
// distributed_master runs here once the master has forwarded it (from_cluster), and on the
// master is distributed: get_solver_node picks the nodes (the agents' nodes from agents, the
// named node_id/node_list, or every node), get_nodes_info keeps those the caller may
// cluster:read, node_id/node_list are consumed, unknown/empty node names are folded into the
// master's share, and each node gets its own agents (DAPI §3.4, cluster §12.3). The error is
// the exception Wazuh's routing raises (4000 for a refused node, 1730 for a node the API listed
// that is gone), or an agent store failure: answer it with Request.Fail.
func Route(req *Request, c Cluster, agents AgentLocator) (*Plan, error) {
	here := &Plan{Action: RunHere, Request: req, cluster: c}
	switch {
	case req.Type == LocalAny, req.Type == DistributedMaster && req.FromCluster:
		return here, nil
	case !c.Master:
		return &Plan{Action: SendToMaster, Request: req, cluster: c}, nil
	case req.Type == LocalMaster:
		return here, nil
	}
	return distribute(req, c, agents)
}

// share is one entry of get_solver_node's {node: [agent ids]}.
type share struct {
	node string
	ids  []string
}

func distribute(req *Request, c Cluster, agents AgentLocator) (*Plan, error) {
	shares, err := solverNodes(req, c, agents)
	if err != nil {
		return nil, err
	}
	work := req.Clone()
	work.FromCluster = true
	var (
		valid   []share
		allowed *AffectedItems
	)
	if work.Kwargs.Has("node_id") || work.Kwargs.Has("node_list") {
		var filter []string
		if len(shares) > 0 {
			filter = shareNodes(shares)
		}
		names, info, err := nodesInfo(req, c, filter)
		if err != nil {
			return nil, err
		}
		if len(shares) == 0 {
			for _, n := range names {
				shares = append(shares, share{node: n, ids: []string{}})
			}
		}
		for _, s := range shares {
			if slices.Contains(names, s.node) || s.node == "unknown" {
				valid = append(valid, s)
			}
		}
		key := "node_list"
		if work.Kwargs.Has("node_id") {
			key = "node_id"
		}
		work.Kwargs = deleteKwarg(work.Kwargs, key)
		allowed = info
	} else {
		valid = shares
		if len(shares) == 0 {
			names, _, err := nodesInfo(req, c, nil)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				valid = append(valid, share{node: n, ids: []string{}})
			}
		}
		allowed = NewAffectedItems("", "", "")
		for _, s := range shares {
			allowed.Items = append(allowed.Items, s.node)
		}
		allowed.Total = len(shares)
	}
	p := &Plan{Action: Distribute, Request: work, merge: allowed.Total > 1, allowed: allowed, cluster: c}
	for _, s := range foldUnknownNodes(valid, c.Self) {
		p.Targets = append(p.Targets, Target{
			Node:    s.node,
			Local:   s.node == c.Self,
			Known:   slices.Contains(c.Connected, s.node),
			Request: work.withAgents(s.ids),
		})
	}
	return p, nil
}

func shareNodes(shares []share) []string {
	out := make([]string, len(shares))
	for i, s := range shares {
		out[i] = s.node
	}
	return out
}

// foldUnknownNodes is clean_valid_nodes: the agents of the nodes named "unknown" or "" go to
// this node's share (a new one at the end when it has none), and those entries go away.
func foldUnknownNodes(shares []share, self string) []share {
	var moved []string
	folded, mine := false, -1
	out := make([]share, 0, len(shares)+1)
	for _, s := range shares {
		if s.node == "unknown" || s.node == "" {
			moved = append(moved, s.ids...)
			folded = true
			continue
		}
		if s.node == self {
			mine = len(out)
		}
		out = append(out, share{node: s.node, ids: slices.Clone(s.ids)})
	}
	if !folded {
		return out
	}
	if mine < 0 {
		return append(out, share{node: self, ids: append([]string{}, moved...)})
	}
	out[mine].ids = append(out[mine].ids, moved...)
	return out
}

// kwargText is str() of a keyword argument's value, as Wazuh formats ids into queries.
func kwargText(v any) string { return messages.PyStr(v) }
