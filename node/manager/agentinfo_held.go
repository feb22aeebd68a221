package manager

import (
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// heldAgentInfo is what a worker read from its wazuh-db (GET /v1/agents/sync) and the master
// has not confirmed yet: wazuh-db marked those agents synced as it answered, so this is the
// only copy of their changes. Each read is merged into it, one row of each kind per agent, so
// it is bounded by the number of agents, however long the master stays away.
//
// The master's wazuh-db applies a document's syncreq rows, then its keepalives, then its
// statuses. A newer row therefore replaces an older one of its kind and drops the older rows
// of the kinds applied after it, which would undo it: a syncreq carries every column, a
// keepalive makes the agent active again; an older syncreq or keepalive before a newer status
// is kept, since the status is applied after it.
type heldAgentInfo struct {
	syncreq   map[int]messages.AgentInfoItem
	keepalive map[int]messages.AgentKeepaliveItem
	status    map[int]messages.AgentStatusItem
	bytes     int // about what the rows take in a document
}

func newHeldAgentInfo() *heldAgentInfo {
	return &heldAgentInfo{syncreq: map[int]messages.AgentInfoItem{}, keepalive: map[int]messages.AgentKeepaliveItem{},
		status: map[int]messages.AgentStatusItem{}}
}

// merge takes a newer read.
func (h *heldAgentInfo) merge(c messages.AgentInfoChunks) {
	for _, it := range c.Syncreq {
		h.dropKeepalive(it.ID)
		h.dropStatus(it.ID)
		h.dropSyncreq(it.ID)
		h.syncreq[it.ID] = it
		h.bytes += syncreqSize(&it)
	}
	for _, k := range c.Keepalive {
		h.dropStatus(k.ID)
		h.dropKeepalive(k.ID)
		h.keepalive[k.ID] = k
		h.bytes += keepaliveSize(k)
	}
	for _, s := range c.Status {
		h.dropStatus(s.ID)
		h.status[s.ID] = s
		h.bytes += statusSize(s)
	}
}

func (h *heldAgentInfo) dropSyncreq(id int) {
	if old, ok := h.syncreq[id]; ok {
		h.bytes -= syncreqSize(&old)
		delete(h.syncreq, id)
	}
}

func (h *heldAgentInfo) dropKeepalive(id int) {
	if old, ok := h.keepalive[id]; ok {
		h.bytes -= keepaliveSize(old)
		delete(h.keepalive, id)
	}
}

func (h *heldAgentInfo) dropStatus(id int) {
	if old, ok := h.status[id]; ok {
		h.bytes -= statusSize(old)
		delete(h.status, id)
	}
}

// chunks are the rows by agent id, in wazuh-db's document shape: a kind without rows is absent.
func (h *heldAgentInfo) chunks() messages.AgentInfoChunks {
	var c messages.AgentInfoChunks
	for _, id := range sortedKeys(h.syncreq) {
		c.Syncreq = append(c.Syncreq, h.syncreq[id])
	}
	for _, id := range sortedKeys(h.keepalive) {
		c.Keepalive = append(c.Keepalive, h.keepalive[id])
	}
	for _, id := range sortedKeys(h.status) {
		c.Status = append(c.Status, h.status[id])
	}
	return c
}

func (h *heldAgentInfo) empty() bool {
	return len(h.syncreq) == 0 && len(h.keepalive) == 0 && len(h.status) == 0
}

func (h *heldAgentInfo) agents() int { return len(h.syncreq) + len(h.keepalive) + len(h.status) }

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Sizes of rows as a document writes them, about: the text plus the member names.
const rowOverhead = 48

func syncreqSize(it *messages.AgentInfoItem) int {
	n := 360 + len(it.Name) + len(it.IP) + len(it.OSName) + len(it.OSVersion) + len(it.OSMajor) + len(it.OSMinor) +
		len(it.OSCodename) + len(it.OSBuild) + len(it.OSPlatform) + len(it.OSUname) + len(it.OSArch) + len(it.Version) +
		len(it.ConfigSum) + len(it.MergedSum) + len(it.ManagerHost) + len(it.NodeName) + len(it.ConnectionStatus) +
		len(it.GroupConfigStatus)
	for _, l := range it.Labels {
		n += rowOverhead + len(l.Key) + len(l.Value)
	}
	return n
}

func keepaliveSize(k messages.AgentKeepaliveItem) int { return rowOverhead + len(k.Version) }

func statusSize(s messages.AgentStatusItem) int {
	return 2*rowOverhead + len(s.Version) + len(s.ConnectionStatus)
}
