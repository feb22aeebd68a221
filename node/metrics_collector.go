package node

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/clusterd/clusterd/node/daemon/remoted"
)

type remotedStats = remoted.Stats

// nodeCollector reads the node's own counters at each scrape: the actors (as actorctl shows
// them), the agent listener and the agent store. Nothing is counted twice: the sources are the
// same counters the CLIs read.
type nodeCollector struct{ n *Node }

var (
	descInfo = prometheus.NewDesc("clusterd_node_info", "The node: name, type and the Wazuh version it announces.",
		[]string{"node", "type", "version"}, nil)
	descActorMessages = prometheus.NewDesc("clusterd_actor_messages_received_total",
		"Messages the actor at path received, over its incarnations.", []string{"path"}, nil)
	descActorMailbox = prometheus.NewDesc("clusterd_actor_mailbox_depth",
		"Messages waiting in the actor's mailbox.", []string{"path"}, nil)
	descActorRestarts = prometheus.NewDesc("clusterd_actor_restarts_total",
		"Times the actor's supervisor restarted it after a failure.", []string{"path"}, nil)
	descAgents = prometheus.NewDesc("clusterd_agents",
		"Agents in this node's store by connection status.", []string{"status"}, nil)
	descRemotedConnections = prometheus.NewDesc("clusterd_remoted_connections",
		"Open TCP connections from agents.", nil, nil)
	descArchiveQueued = prometheus.NewDesc("clusterd_remoted_archive_queue_lines",
		"Archive lines waiting for the writer (back-pressure when full).", nil, nil)
	remotedCounters = []struct {
		desc *prometheus.Desc
		get  func(remotedStats) uint64
	}{
		{counterDesc("events_received", "Event messages received from agents."), func(s remotedStats) uint64 { return s.EventsReceived }},
		{counterDesc("archive_lines_written", "Lines written to the archive."), func(s remotedStats) uint64 { return s.ArchiveLines }},
		{counterDesc("archive_write_errors", "Failed archive writes (each retried)."), func(s remotedStats) uint64 { return s.ArchiveErrors }},
		{counterDesc("startups", "Agent startup messages."), func(s remotedStats) uint64 { return s.Startups }},
		{counterDesc("keepalives", "Agent keepalives."), func(s remotedStats) uint64 { return s.Keepalives }},
		{counterDesc("pushes", "merged.mg files pushed to agents."), func(s remotedStats) uint64 { return s.Pushes }},
		{counterDesc("unknown_agent_messages", "Messages from no known agent (dropped)."), func(s remotedStats) uint64 { return s.UnknownAgent }},
		{counterDesc("decrypt_errors", "Messages that did not decrypt (dropped)."), func(s remotedStats) uint64 { return s.DecryptErrors }},
		{counterDesc("key_in_use_refusals", "Connections refused because the key was in use elsewhere."), func(s remotedStats) uint64 { return s.KeyInUse }},
		{counterDesc("connections_refused", "TCP connections closed at once because the agent listener's connection bound was reached."), func(s remotedStats) uint64 { return s.ConnectionsRefused }},
		{counterDesc("identify_timeouts", "TCP connections closed because no known agent spoke on them within the identification timeout."), func(s remotedStats) uint64 { return s.IdleClosed }},
		{counterDesc("bad_events", "Event messages that did not parse (dropped)."), func(s remotedStats) uint64 { return s.BadEvents }},
	}
)

func counterDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("clusterd_remoted_"+name+"_total", help, nil, nil)
}

// Describe implements prometheus.Collector.
func (c *nodeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInfo, descActorMessages, descActorMailbox, descActorRestarts,
		descAgents, descRemotedConnections, descArchiveQueued} {
		ch <- d
	}
	for _, rc := range remotedCounters {
		ch <- rc.desc
	}
}

// Collect implements prometheus.Collector.
func (c *nodeCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.n
	ch <- prometheus.MustNewConstMetric(descInfo, prometheus.GaugeValue, 1, n.settings.NodeName, n.settings.NodeType, n.settings.Version)
	if kit := n.kit; kit != nil {
		for _, a := range kit.Registry.Snapshot() {
			ch <- prometheus.MustNewConstMetric(descActorMessages, prometheus.CounterValue, float64(a.Received), a.Path)
			ch <- prometheus.MustNewConstMetric(descActorMailbox, prometheus.GaugeValue, float64(a.MailboxDepth), a.Path)
			ch <- prometheus.MustNewConstMetric(descActorRestarts, prometheus.CounterValue, float64(a.Restarts), a.Path)
		}
	}
	if srv := n.Remoted(); srv != nil {
		st := srv.Stats()
		ch <- prometheus.MustNewConstMetric(descRemotedConnections, prometheus.GaugeValue, float64(st.Connections))
		ch <- prometheus.MustNewConstMetric(descArchiveQueued, prometheus.GaugeValue, float64(st.ArchiveQueued))
		for _, rc := range remotedCounters {
			ch <- prometheus.MustNewConstMetric(rc.desc, prometheus.CounterValue, float64(rc.get(st)))
		}
	}
	if st := n.Store(); st != nil {
		ctx, cancel := context.WithTimeout(context.Background(), storeCountTimeout)
		defer cancel()
		counts, err := st.CountAgentsByStatus(ctx)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(descAgents, err)
			return
		}
		for _, status := range []string{"active", "pending", "disconnected", "never_connected"} {
			ch <- prometheus.MustNewConstMetric(descAgents, prometheus.GaugeValue, float64(counts[status]), status)
		}
	}
}
