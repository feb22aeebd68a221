package messages

import (
	"fmt"
	"strconv"
)

// EncodeAgentGroupsSync writes the master's agent-groups document exactly as Wazuh's
// json.dumps does: separators ", " and ": ", non-ASCII escaped as \uXXXX (so a chunk holding
// raw UTF-8 from wazuh-db is escaped here). A nil Chunks is written as [].
func EncodeAgentGroupsSync(s AgentGroupsSync) []byte {
	// Written directly rather than through EncodeJSON: with 50,000 agents the document is a few
	// MB, and sizing the buffer once avoids re-growing it many times.
	size := 128 + len(s.Mode) + len(s.SyncStatus)
	for _, c := range s.Chunks {
		size += len(c) + len(c)/4 + 4 // room for the escaped quotes
	}
	b := make([]byte, 0, size)
	b = append(b, `{"set_data_command": `...)
	b = appendPyString(b, SetAgentGroupsCommand)
	b = append(b, `, "payload": {"mode": `...)
	b = appendPyString(b, s.Mode)
	b = append(b, `, "sync_status": `...)
	b = appendPyString(b, s.SyncStatus)
	b = append(b, `}, "chunks": [`...)
	for i, c := range s.Chunks {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPyString(b, c)
	}
	return append(b, "]}"...)
}

// ParseAgentGroupsSync decodes an agent-groups document whole, in any JSON spacing: what
// ScanAgentGroupsSync and EachChunk hand over a page at a time, for documents known to be small.
// The command must be `global set-agent-groups`, payload must carry mode and sync_status strings
// and chunks must be a list of strings; the chunks themselves are not parsed here (see
// ParseAgentGroupsChunk), and one larger than MaxAgentGroupsChunkSize is refused.
func ParseAgentGroupsSync(b []byte) (AgentGroupsSync, error) {
	d, err := ScanAgentGroupsSync(b)
	if err != nil {
		return AgentGroupsSync{}, err
	}
	s := AgentGroupsSync{Mode: d.Mode, SyncStatus: d.SyncStatus, Chunks: make([]string, 0, d.Len())}
	err = d.EachChunk(func(_ int, chunk string, err error) error {
		s.Chunks = append(s.Chunks, chunk)
		return err
	})
	if err != nil {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w: %w", ErrAgentGroupsSync, err)
	}
	return s, nil
}

// EncodeSetAgentGroupsCommand builds the wazuh-db command a worker runs for one chunk:
// `global set-agent-groups ` + json.dumps(payload, separators=(",", ":")) with payload
// {"mode", "sync_status", "data"} — compact, but Python's default ASCII escaping.
func EncodeSetAgentGroupsCommand(mode, syncStatus string, data []AgentGroupsEntry) string {
	b := make([]byte, 0, len(agentGroupsCommandPrefix)+64+len(data)*48)
	b = append(b, agentGroupsCommandPrefix...)
	b = append(b, `{"mode":`...)
	b = appendPyString(b, mode)
	b = append(b, `,"sync_status":`...)
	b = appendPyString(b, syncStatus)
	b = append(b, `,"data":[`...)
	for i, e := range data {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPyCompactEntry(b, e)
	}
	return string(append(b, "]}"...))
}

func appendPyCompactEntry(b []byte, e AgentGroupsEntry) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(e.ID), 10)
	if e.Name != "" {
		b = append(b, `,"name":`...)
		b = appendPyString(b, e.Name)
	}
	if e.Groups != nil {
		b = append(b, `,"groups":[`...)
		for i, g := range e.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPyString(b, g)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// LastChunkHash is the master checksum of §7.3: the "hash" of element 0 of the last chunk. ok is
// false when there are no chunks, the last one does not parse, or it has no "hash" member — in
// which case Wazuh compares nothing. A null hash gives ok and an empty hash: Wazuh's worker
// compares it (as None) with its own, which is null too when none of its agents has a group hash.
func LastChunkHash(chunks []string) (hash string, ok bool) {
	if len(chunks) == 0 {
		return "", false
	}
	c, err := ParseAgentGroupsChunk(chunks[len(chunks)-1])
	if err != nil {
		return "", false
	}
	return c.MasterHash()
}

// MasterHash is the checksum a page carries for the worker to compare (§7.3), as LastChunkHash
// reads it from the last page: ok is false when the page has no "hash" member.
func (c AgentGroupsChunk) MasterHash() (hash string, ok bool) {
	if !c.HasHash && !c.HashNull {
		return "", false
	}
	return c.Hash, true
}
