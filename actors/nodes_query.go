package actors

import (
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

// answerNodesQuery builds the answer to get_nodes (§13.1) or get_health (§13.2) from what the
// master knows, applying the request's arguments as Wazuh's master does.
func answerNodesQuery(command string, payload []byte, snap *NodesSnapshot) ([]byte, *messages.WazuhError) {
	switch command {
	case messages.CmdGetNodes:
		args, err := messages.ParseGetNodesArgs(payload)
		if err != nil {
			return nil, messages.ToWazuhError(err)
		}
		res, werr := messages.SelectNodes(snap.Nodes, args)
		if werr != nil {
			return nil, werr
		}
		return res.Encode(), nil
	case messages.CmdGetHealth:
		filter, err := messages.ParseHealthFilter(payload)
		if err != nil {
			return nil, messages.ToWazuhError(err)
		}
		return selectHealth(snap, filter).Encode(), nil
	}
	return nil, messages.ErrInternal.With(fmt.Sprintf("unexpected query %s", command))
}

// selectHealth keeps the named nodes (all when filter is empty); n_connected_nodes counts the
// workers kept, as Wazuh's get_health does.
func selectHealth(snap *NodesSnapshot, filter []string) messages.Health {
	want := map[string]bool{}
	for _, n := range filter {
		want[n] = true
	}
	h := messages.Health{Nodes: map[string]messages.NodeHealth{}}
	// Wazuh lists the workers in connection order, then the master.
	for _, n := range append(snap.Nodes[1:], snap.Nodes[0]) {
		if len(want) > 0 && !want[n.Name] {
			continue
		}
		nh := snap.Health[n.Name]
		h.Nodes[n.Name] = nh
		h.Order = append(h.Order, n.Name)
		if nh.Status != nil {
			h.NConnectedNodes++
		}
	}
	return h
}
