package messages

// AgentInfoChunksWriter builds a chunks object ({"syncreq": [...], "syncreq_keepalive": [...],
// "syncreq_status": [...]}), the body of wazuh-db's POST /v1/agents/sync (§6.1), a batch of
// items at a time: it is an AgentInfoVisitor, so a worker's document can be walked straight into
// it. Items are encoded as they come (nothing of a batch is kept), as EncodeAgentInfoSync writes
// them, which is json.dumps's layout, what Wazuh's master posts. A list with no item is left out.
type AgentInfoChunksWriter struct {
	lists [3][]byte // the encoded items of each list, comma-separated, without brackets
	items [3]int
}

// Syncreq adds syncreq items.
func (w *AgentInfoChunksWriter) Syncreq(items []AgentInfoItem) error {
	for i := range items {
		w.lists[0] = w.separate(0)
		w.lists[0] = appendAgentInfoItem(w.lists[0], &items[i])
	}
	return nil
}

// Keepalive adds syncreq_keepalive items.
func (w *AgentInfoChunksWriter) Keepalive(items []AgentKeepaliveItem) error {
	for _, k := range items {
		w.lists[1] = w.separate(1)
		item := memberWriter{b: append(w.lists[1], '{')}
		item.int("id", int64(k.ID))
		item.str("version", k.Version)
		w.lists[1] = append(item.b, '}')
	}
	return nil
}

// Status adds syncreq_status items.
func (w *AgentInfoChunksWriter) Status(items []AgentStatusItem) error {
	for i := range items {
		w.lists[2] = w.separate(2)
		w.lists[2] = appendAgentStatusItem(w.lists[2], &items[i])
	}
	return nil
}

func (w *AgentInfoChunksWriter) separate(list int) []byte {
	b := w.lists[list]
	if w.items[list] > 0 {
		b = append(b, ", "...)
	}
	w.items[list]++
	return b
}

// Items is how many items were added since the last Reset.
func (w *AgentInfoChunksWriter) Items() int { return w.items[0] + w.items[1] + w.items[2] }

// Size is about how many bytes AppendTo would add.
func (w *AgentInfoChunksWriter) Size() int {
	return len(w.lists[0]) + len(w.lists[1]) + len(w.lists[2]) + 64
}

// AppendTo appends the chunks object to b.
func (w *AgentInfoChunksWriter) AppendTo(b []byte) []byte {
	out := memberWriter{b: append(b, '{')}
	for i, key := range [3]string{agentInfoSyncreqKey, agentInfoKeepaliveKey, agentInfoStatusKey} {
		if w.items[i] == 0 {
			continue
		}
		out.key(key)
		out.b = append(out.b, '[')
		out.b = append(out.b, w.lists[i]...)
		out.b = append(out.b, ']')
	}
	return append(out.b, '}')
}

// Reset empties the writer, keeping its buffers.
func (w *AgentInfoChunksWriter) Reset() {
	for i := range w.lists {
		w.lists[i], w.items[i] = w.lists[i][:0], 0
	}
}
