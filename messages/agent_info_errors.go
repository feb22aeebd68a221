package messages

import "errors"

// ErrAgentInfoSync reports a new_str agent-info document that is not the worker's
// {"set_data_command": "global sync-agent-info-set", "payload": {}, "chunks": {...}}.
var ErrAgentInfoSync = errors.New("malformed agent-info sync document")
