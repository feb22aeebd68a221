package node

import (
	"github.com/clusterd/clusterd/node/daemon/authd"
)

// A node shares its descriptor limit between the agent listener, the enrollment listener and a
// reserve for everything else: the cluster connections (one per worker on a master, memberlist),
// the local sockets (cluster_control, the API), the store (the database and its WAL), the logs,
// the integrity scans and file transfers, and the runtime's own. The listeners are bounded so a
// flood on the agent or enrollment port is refused there, and that reserve stays free: 20,000
// idle connections to the agent port used to take every descriptor of a master, and
// cluster_control, enrollment and the integrity sync failed until they closed.
const (
	// minDescriptorReserve is what a small node needs besides its listeners; maxDescriptorReserve
	// holds hundreds of workers and API clients. In between, an eighth of the limit.
	minDescriptorReserve = 256
	maxDescriptorReserve = 4096
	// minEnrollSlots keeps enrollment usable under a very low limit.
	minEnrollSlots = 8
)

// descriptorBudget is how a node's descriptor limit is shared.
type descriptorBudget struct {
	Limit   int // the limit the bounds are derived from
	Reserve int // kept for the cluster, the local sockets and the files
	Enroll  int // enrollment connections at once (authd's 1000 at most)
	Agents  int // agent TCP connections at once
}

// budgetFor shares limit: the reserve first (an eighth, between 256 and 4096, never more than
// half), then enrollment (a sixteenth, between 8 and authd's 1000), the rest to the agents.
// For 1024 descriptors: 256, 64, 704; for 65536: 4096, 1000, 60440; for 1048576: 4096, 1000,
// 1043480.
func budgetFor(limit int) descriptorBudget {
	reserve := min(max(limit/8, minDescriptorReserve), maxDescriptorReserve, limit/2)
	slots := min(max(limit/16, minEnrollSlots), authd.DefaultMaxClients)
	return descriptorBudget{Limit: limit, Reserve: reserve, Enroll: slots, Agents: max(limit-reserve-slots, 1)}
}

// descriptorBudget raises the process's soft descriptor limit to its hard limit, logs the
// limit, and shares it; clusterd.descriptor_limit, when set, replaces a larger limit.
func (n *Node) descriptorBudget() descriptorBudget {
	limit, raisedFrom, err := raiseDescriptorLimit()
	switch {
	case err != nil:
		n.log.Warnf("Could not raise the descriptor limit: %v", err)
	case raisedFrom > 0:
		n.log.Infof("Raised the descriptor limit from %d to %d.", raisedFrom, limit)
	}
	source := "the process's limit"
	if want := n.cfg.Internal.Clusterd.DescriptorLimit; want > 0 && (limit <= 0 || want < limit) {
		limit, source = want, "clusterd.descriptor_limit"
	}
	if limit <= 0 {
		limit = authd.DefaultMaxClients + maxDescriptorReserve // no limit known: budget for authd's pool
		source = "no limit known"
	}
	b := budgetFor(limit)
	if n.opts.Mode == ModeWazuh {
		// No listener of clusterd's own: the bounds are not used.
		n.log.Infof("Descriptor limit: %d (%s).", b.Limit, source)
		return b
	}
	n.log.Infof("Descriptor limit: %d (%s). Agent connections at most %d, enrollment connections %d; %d kept for the cluster, the local sockets and the files.",
		b.Limit, source, b.Agents, b.Enroll, b.Reserve)
	return b
}
