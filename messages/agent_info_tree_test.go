package messages

import "fmt"

// parseAgentInfoTree is how the master read a worker's agent-info document before it was
// streamed: decoded whole into an ordered tree, then typed. It stays as the reference the
// streaming reader is compared with: both must accept and refuse the same documents and read
// the same items from them.
func parseAgentInfoTree(b []byte) (AgentInfoChunks, error) {
	o, err := decodeObjectPayload(b)
	if err != nil {
		return AgentInfoChunks{}, fmt.Errorf("parse agent-info sync: %w", err)
	}
	c, err := parseAgentInfoTreeDocument(o)
	if err != nil {
		return AgentInfoChunks{}, fmt.Errorf("parse agent-info sync: %w: %w", ErrAgentInfoSync, err)
	}
	return c, nil
}

func parseAgentInfoTreeDocument(o Object) (AgentInfoChunks, error) {
	if v, ok := o.Get("set_data_command"); ok {
		command, err := asString(v, "set_data_command")
		if err != nil {
			return AgentInfoChunks{}, err
		}
		if command != SyncAgentInfoSetCommand {
			return AgentInfoChunks{}, fmt.Errorf("set_data_command %q", command)
		}
	}
	var c AgentInfoChunks
	v, ok := o.Get("chunks")
	if !ok || v == nil {
		return c, nil
	}
	chunks, err := asObject(v, "chunks")
	if err != nil {
		return AgentInfoChunks{}, err
	}
	if c.Syncreq, err = parseTreeItems(chunks, agentInfoSyncreqKey, parseAgentInfoItem); err != nil {
		return AgentInfoChunks{}, err
	}
	if c.Keepalive, err = parseTreeItems(chunks, agentInfoKeepaliveKey, parseKeepaliveItem); err != nil {
		return AgentInfoChunks{}, err
	}
	if c.Status, err = parseTreeItems(chunks, agentInfoStatusKey, parseStatusItem); err != nil {
		return AgentInfoChunks{}, err
	}
	return c, nil
}

// parseTreeItems reads the list under key: nil when the key is absent (or null), else a non-nil
// slice.
func parseTreeItems[T any](chunks Object, key string, parse func(v any) (T, error)) ([]T, error) {
	v, ok := chunks.Get(key)
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %q must be a list", ErrMalformedPayload, key)
	}
	out := make([]T, 0, len(list))
	for i, e := range list {
		item, err := parse(e)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		out = append(out, item)
	}
	return out, nil
}
