package messages

import "errors"

var (
	// ErrAgentGroupsChunk reports a wazuh-db sync-agent-groups-get page that is not the
	// expected [{"data": [...], "hash": ...}] document.
	ErrAgentGroupsChunk = errors.New("malformed agent-groups chunk")
	// ErrAgentGroupsSync reports a new_str agent-groups document that is not the master's
	// {"set_data_command": "global set-agent-groups", "payload": {...}, "chunks": [...]}.
	ErrAgentGroupsSync = errors.New("malformed agent-groups sync document")
)
