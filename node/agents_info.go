package node

import (
	"context"
	"fmt"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// agentInfoStore is the agent-info side of the store (actors.AgentInfoStore): the worker's
// pending rows in Wazuh's document shape, their confirmation, and the master's apply.
type agentInfoStore struct {
	st  *wazuhdb.Store
	now func() time.Time
}

func (a agentInfoStore) PendingAgentInfo(ctx context.Context) (messages.AgentInfoChunks, actors.AgentInfoToken, error) {
	b, err := a.st.PendingAgentInfo(ctx, 0)
	if err != nil {
		return messages.AgentInfoChunks{}, nil, fmt.Errorf("read pending agent-info: %w", err)
	}
	var c messages.AgentInfoChunks
	for _, ag := range b.Syncreq {
		c.Syncreq = append(c.Syncreq, toInfoItem(ag))
	}
	for _, k := range b.Keepalive {
		c.Keepalive = append(c.Keepalive, messages.AgentKeepaliveItem{ID: k.ID, Version: k.Version})
	}
	for _, s := range b.Status {
		c.Status = append(c.Status, messages.AgentStatusItem{ID: s.ID, Version: s.Version,
			ConnectionStatus: s.ConnectionStatus, DisconnectionTime: s.DisconnectionTime, StatusCode: s.StatusCode})
	}
	return c, b.Marks, nil
}

func (a agentInfoStore) ConfirmAgentInfo(ctx context.Context, token actors.AgentInfoToken) error {
	marks, _ := token.([]wazuhdb.SyncMark)
	return a.st.MarkAgentInfoSynced(ctx, marks)
}

func (a agentInfoStore) ApplyAgentInfo(ctx context.Context, fill func(messages.AgentInfoVisitor) error) (int, error) {
	return a.st.ApplyAgentInfoBatches(ctx, a.now().Unix(), func(w *wazuhdb.AgentInfoWriter) error {
		return fill(&agentInfoBatches{w: w})
	})
}

// agentInfoBatches hands each batch of a worker's document to the store in its types; the
// converted batch is reused, as the document's is.
type agentInfoBatches struct {
	w          *wazuhdb.AgentInfoWriter
	agents     []wazuhdb.Agent
	keepalives []wazuhdb.AgentKeepalive
	statuses   []wazuhdb.AgentStatus
}

func (b *agentInfoBatches) Syncreq(items []messages.AgentInfoItem) error {
	b.agents = b.agents[:0]
	for i := range items {
		b.agents = append(b.agents, fromInfoItem(&items[i]))
	}
	err := b.w.Syncreq(b.agents)
	clear(b.agents)
	return err
}

func (b *agentInfoBatches) Keepalive(items []messages.AgentKeepaliveItem) error {
	b.keepalives = b.keepalives[:0]
	for _, k := range items {
		b.keepalives = append(b.keepalives, wazuhdb.AgentKeepalive{ID: k.ID, Version: k.Version})
	}
	err := b.w.Keepalive(b.keepalives)
	clear(b.keepalives)
	return err
}

func (b *agentInfoBatches) Status(items []messages.AgentStatusItem) error {
	b.statuses = b.statuses[:0]
	for _, s := range items {
		b.statuses = append(b.statuses, wazuhdb.AgentStatus{ID: s.ID, Version: s.Version,
			ConnectionStatus: s.ConnectionStatus, DisconnectionTime: s.DisconnectionTime, StatusCode: s.StatusCode})
	}
	err := b.w.Status(b.statuses)
	clear(b.statuses)
	return err
}

func toInfoItem(a wazuhdb.Agent) messages.AgentInfoItem {
	labels := make([]messages.AgentLabel, len(a.Labels))
	for i, l := range a.Labels {
		labels[i] = messages.AgentLabel{Key: l.Key, Value: l.Value}
	}
	return messages.AgentInfoItem{ID: a.ID, Name: a.Name, IP: a.IP,
		OSName: a.OSName, OSVersion: a.OSVersion, OSMajor: a.OSMajor, OSMinor: a.OSMinor, OSCodename: a.OSCodename,
		OSBuild: a.OSBuild, OSPlatform: a.OSPlatform, OSUname: a.OSUname, OSArch: a.OSArch,
		Version: a.Version, ConfigSum: a.ConfigSum, MergedSum: a.MergedSum, ManagerHost: a.ManagerHost, NodeName: a.NodeName,
		LastKeepalive: a.LastKeepalive, ConnectionStatus: a.ConnectionStatus, DisconnectionTime: a.DisconnectionTime,
		GroupConfigStatus: a.GroupConfigStatus, StatusCode: a.StatusCode, Labels: labels}
}

func fromInfoItem(it *messages.AgentInfoItem) wazuhdb.Agent {
	labels := make([]wazuhdb.Label, len(it.Labels))
	for i, l := range it.Labels {
		labels[i] = wazuhdb.Label{Key: l.Key, Value: l.Value}
	}
	return wazuhdb.Agent{ID: it.ID, Name: it.Name, IP: it.IP,
		OSName: it.OSName, OSVersion: it.OSVersion, OSMajor: it.OSMajor, OSMinor: it.OSMinor, OSCodename: it.OSCodename,
		OSBuild: it.OSBuild, OSPlatform: it.OSPlatform, OSUname: it.OSUname, OSArch: it.OSArch,
		Version: it.Version, ConfigSum: it.ConfigSum, MergedSum: it.MergedSum, ManagerHost: it.ManagerHost, NodeName: it.NodeName,
		LastKeepalive: it.LastKeepalive, ConnectionStatus: it.ConnectionStatus, DisconnectionTime: it.DisconnectionTime,
		GroupConfigStatus: it.GroupConfigStatus, StatusCode: it.StatusCode, Labels: labels}
}
