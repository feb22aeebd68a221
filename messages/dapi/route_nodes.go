package dapi

import (
	"fmt"
	"slices"
	"sort"

	"github.com/clusterd/clusterd/messages"
)

// solverNodes is get_solver_node: the nodes that can answer a distributed_master request, each
// with the agents it must act on, in the order Wazuh builds them.
func solverNodes(req *Request, c Cluster, agents AgentLocator) ([]share, error) {
	kw := req.Kwargs
	switch {
	case kw.Has("agent_id") || kw.Has("agent_list"):
		return agentShares(req, c, agents)
	case kw.Has("node_id") || kw.Has("node_list") && !isStar(kw, "node_list"):
		names, err := requestedNodes(kw)
		if err != nil {
			return nil, err
		}
		var out []share
		for _, n := range names {
			if !slices.ContainsFunc(out, func(s share) bool { return s.node == n }) {
				out = append(out, share{node: n, ids: []string{}})
			}
		}
		return out, nil
	case req.Broadcasting:
		return nil, nil
	}
	// Every node some agent reports to, by name descending (the agents' API calls that act on
	// all agents: PUT /agents/restart and the like).
	rows, err := locate(agents, AgentQuery{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range rows {
		if !slices.Contains(names, r.Node) {
			names = append(names, r.Node)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	out := make([]share, len(names))
	for i, n := range names {
		out[i] = share{node: n, ids: []string{}}
	}
	return out, nil
}

func isStar(kw messages.Object, key string) bool {
	v, _ := kw.Get(key)
	return v == "*"
}

// locate asks the agent store, its failure being the request's.
func locate(agents AgentLocator, q AgentQuery) ([]AgentNode, error) {
	if agents == nil {
		return nil, fmt.Errorf("dapi: routing by agent without an agent store")
	}
	return agents.LocateAgents(q)
}

// requestedNodes is `node_list or [node_id]`: a KeyError (answered as error 1000) when neither
// gives a name.
func requestedNodes(kw messages.Object) ([]string, error) {
	if v, _ := kw.Get("node_list"); messages.PyTruthy(v) {
		return textList(v), nil
	}
	id, ok := kw.Get("node_id")
	if !ok {
		return nil, fmt.Errorf("%w: KeyError 'node_id'", errPyType)
	}
	return []string{kwargText(id)}, nil
}

// textList reads a list argument as the names Wazuh iterates: a list's items, a string's
// characters (Python iterates a str), any other value on its own.
func textList(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = kwargText(e)
		}
		return out
	case string:
		var out []string
		for _, r := range x {
			out = append(out, string(r))
		}
		return out
	}
	return []string{kwargText(v)}
}

// agentShares groups the requested agents by the node they report to. With node_id too, the
// agents of the named node(s) are listed instead, and node_id gets a share in any case. Ids
// the store does not know go to this node's share (the master answers that they do not exist).
func agentShares(req *Request, c Cluster, agents AgentLocator) ([]share, error) {
	kw := req.Kwargs
	var requested []string
	star := false
	if v, _ := kw.Get("agent_list"); messages.PyTruthy(v) {
		if v == "*" {
			star = true
		} else {
			requested = textList(v)
			if s, isString := v.(string); isString {
				requested = []string{s} // one id given as a string, not its characters
			}
		}
	} else {
		id, ok := kw.Get("agent_id")
		if !ok {
			return nil, fmt.Errorf("%w: KeyError 'agent_id'", errPyType)
		}
		requested = []string{kwargText(id)}
	}
	var q AgentQuery
	switch {
	case kw.Has("node_id"):
		nodes, err := requestedNodes(kw)
		if err != nil {
			return nil, err
		}
		q.Nodes = nodes
	case !star:
		q.IDs = requested
	}
	rows, err := locate(agents, q)
	if err != nil {
		return nil, err
	}
	var out []share
	add := func(node string, ids ...string) {
		for i := range out {
			if out[i].node == node {
				out[i].ids = append(out[i].ids, ids...)
				return
			}
		}
		out = append(out, share{node: node, ids: append([]string{}, ids...)})
	}
	found := make(map[string]bool, len(rows))
	for _, r := range rows {
		add(r.Node, r.ID)
		found[r.ID] = true
	}
	if id, ok := kw.Get("node_id"); ok {
		add(kwargText(id))
	}
	if !star {
		var missing []string
		for _, id := range requested {
			if !found[id] {
				missing = append(missing, id)
				found[id] = true // listed once
			}
		}
		if len(missing) > 0 {
			add(c.Self, missing...)
		}
	}
	return out, nil
}

// nodesInfo is get_nodes_info(filter_node=filter) as forward_request calls it: the nodes the
// caller may cluster:read among those asked (every node when filter is nil), in get_nodes
// order, and the AffectedItems Wazuh builds, whose failed items are the names outside the
// request's nodes (1730) and the refused ones (4000). A listed node that is not connected
// fails the whole call with 1730, as get_connected_nodes does.
func nodesInfo(req *Request, c Cluster, filter []string) ([]string, *AffectedItems, error) {
	kw := messages.Object{}
	if filter != nil {
		list := make([]any, len(filter))
		for i, n := range filter {
			list[i] = n
		}
		kw = messages.Object{{Key: "filter_node", Value: list}}
	}
	d, err := req.RBAC.Apply(Gate{Actions: []string{"cluster:read"}, Resource: "node:id:{filter_node}"},
		kw, req.Broadcasting, Scope{Nodes: req.Nodes})
	if err != nil {
		return nil, nil, err
	}
	known := setOf(req.Nodes)
	present := set{}
	var absent []string
	for _, n := range d.Values {
		switch {
		case known.has(n):
			if !slices.Contains(c.Connected, n) {
				return nil, nil, messages.NewResourceNotFound(messages.ErrNodeNotFound.Code, nil)
			}
			present[n] = struct{}{}
		case !slices.Contains(absent, n):
			absent = append(absent, n)
		}
	}
	var names []string
	for _, n := range c.Connected {
		if present.has(n) {
			names = append(names, n)
		}
	}
	info := NewAffectedItems("All selected nodes information was returned", "Some nodes information was not returned",
		"No information was returned")
	info.Total = len(names)
	for _, n := range absent {
		info.AddFailed(n, messages.NewResourceNotFound(messages.ErrNodeNotFound.Code, nil))
	}
	d.AddDeniedTo(info)
	return names, info, nil
}
