package messages

import (
	"fmt"
	"strconv"
)

// Agent-groups synchronisation payloads (master → workers, §7). Three texts are involved:
//
//   - a chunk: one wazuh-db answer to `global sync-agent-groups-get`, compact cJSON text
//     `[{"data":[{"id":1,"name":"a","groups":["default"]}],"hash":"<sha1>"}]`;
//   - the sync document the master ships with new_str/str_upd: Python's json.dumps of
//     {"set_data_command": ..., "payload": {...}, "chunks": [<chunk>, ...]};
//   - the command the worker sends its own wazuh-db for every chunk:
//     `global set-agent-groups {"mode":...,"sync_status":...,"data":[...]}` (compact separators).

// Modes and statuses the master uses in its agent-groups sync document.
const (
	AgentGroupsModeOverride   = "override"
	AgentGroupsStatusSynced   = "synced"
	agentGroupsCommandPrefix  = SetAgentGroupsCommand + " "
	agentGroupsChunkOpen      = `[{"data":[`
	agentGroupsChunkDataClose = `]`
	agentGroupsChunkClose     = `}]`
)

// AgentGroupsEntry is one agent of a chunk: its id, its name (wazuh-db adds it on full pages;
// empty means absent) and its groups in assignment order (nil means absent).
type AgentGroupsEntry struct {
	ID     int
	Name   string
	Groups []string
}

// AgentGroupsChunk is one wazuh-db page. HasHash writes "hash":"<Hash>"; HashNull writes
// "hash":null, what wazuh-db answers when the global hash was requested but none is stored.
type AgentGroupsChunk struct {
	Data     []AgentGroupsEntry
	Hash     string
	HasHash  bool
	HashNull bool
}

// AgentGroupsSync is the document of a syn_g_m_w / syn_g_m_w_c string.
type AgentGroupsSync struct {
	Mode       string
	SyncStatus string
	Chunks     []string
}

// EncodeAgentGroupsChunk writes c as wazuh-db does (cJSON_PrintUnformatted): compact, members
// id, name, groups, then hash; non-ASCII text stays raw UTF-8.
func EncodeAgentGroupsChunk(c AgentGroupsChunk) string {
	b := make([]byte, 0, 64+len(c.Data)*48)
	b = append(b, agentGroupsChunkOpen...)
	for i, e := range c.Data {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCJSONEntry(b, e)
	}
	b = append(b, agentGroupsChunkDataClose...)
	switch {
	case c.HashNull:
		b = append(b, `,"hash":null`...)
	case c.HasHash:
		b = append(b, `,"hash":`...)
		b = AppendCJSONString(b, c.Hash)
	}
	b = append(b, agentGroupsChunkClose...)
	return string(b)
}

func appendCJSONEntry(b []byte, e AgentGroupsEntry) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(e.ID), 10)
	if e.Name != "" {
		b = append(b, `,"name":`...)
		b = AppendCJSONString(b, e.Name)
	}
	if e.Groups != nil {
		b = append(b, `,"groups":[`...)
		for i, g := range e.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendCJSONString(b, g)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// ParseAgentGroupsChunk decodes one wazuh-db page (any JSON spacing). Like the Python worker it
// reads element 0 of the list; an empty list is an empty page.
func ParseAgentGroupsChunk(s string) (AgentGroupsChunk, error) {
	v, err := decodeOrdered([]byte(s))
	if err != nil {
		return AgentGroupsChunk{}, fmt.Errorf("parse agent-groups chunk: %w", err)
	}
	list, ok := v.([]any)
	if !ok {
		return AgentGroupsChunk{}, fmt.Errorf("parse agent-groups chunk: %w: expected a list", ErrAgentGroupsChunk)
	}
	if len(list) == 0 {
		return AgentGroupsChunk{}, nil
	}
	page, ok := list[0].(Object)
	if !ok {
		return AgentGroupsChunk{}, fmt.Errorf("parse agent-groups chunk: %w: element 0 must be an object", ErrAgentGroupsChunk)
	}
	var c AgentGroupsChunk
	if data, ok := page.Get("data"); ok {
		if c.Data, err = parseAgentGroupsData(data); err != nil {
			return AgentGroupsChunk{}, fmt.Errorf("parse agent-groups chunk: %w", err)
		}
	}
	if h, ok := page.Get("hash"); ok {
		switch x := h.(type) {
		case nil:
			c.HashNull = true
		case string:
			c.Hash, c.HasHash = x, true
		default:
			return AgentGroupsChunk{}, fmt.Errorf("parse agent-groups chunk: %w: \"hash\" must be a string or null", ErrAgentGroupsChunk)
		}
	}
	return c, nil
}

func parseAgentGroupsData(v any) ([]AgentGroupsEntry, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: \"data\" must be a list", ErrAgentGroupsChunk)
	}
	out := make([]AgentGroupsEntry, 0, len(list))
	for i, item := range list {
		o, ok := item.(Object)
		if !ok {
			return nil, fmt.Errorf("%w: data[%d] must be an object", ErrAgentGroupsChunk, i)
		}
		e, err := parseAgentGroupsEntry(o)
		if err != nil {
			return nil, fmt.Errorf("%w: data[%d]: %w", ErrAgentGroupsChunk, i, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func parseAgentGroupsEntry(o Object) (AgentGroupsEntry, error) {
	var e AgentGroupsEntry
	id, err := member(o, "id")
	if err != nil {
		return e, err
	}
	if e.ID, err = asInt(id, "id"); err != nil {
		return e, err
	}
	if v, ok := o.Get("name"); ok && v != nil {
		if e.Name, err = asString(v, "name"); err != nil {
			return e, err
		}
	}
	if v, ok := o.Get("groups"); ok && v != nil {
		if e.Groups, err = asStringList(v, "groups"); err != nil {
			return e, err
		}
	}
	return e, nil
}
