package messages

import "fmt"

// parseAgentGroupsTree is how the worker read the master's agent-groups document before it was
// streamed: decoded whole into an ordered tree. It stays as the reference the streaming reader
// is compared with.
func parseAgentGroupsTree(b []byte) (AgentGroupsSync, error) {
	o, err := decodeObjectPayload(b)
	if err != nil {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w", err)
	}
	fields := objectReader{o: o}
	command := fields.str("set_data_command")
	payload := fields.sub("payload")
	s := AgentGroupsSync{Mode: payload.str("mode"), SyncStatus: payload.str("sync_status")}
	if fields.err != nil {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w: %w", ErrAgentGroupsSync, fields.err)
	}
	if payload.err != nil {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w: payload: %w", ErrAgentGroupsSync, payload.err)
	}
	if command != SetAgentGroupsCommand {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w: set_data_command %q", ErrAgentGroupsSync, command)
	}
	chunks, err := member(o, "chunks")
	if err == nil {
		s.Chunks, err = asStringList(chunks, "chunks")
	}
	if err != nil {
		return AgentGroupsSync{}, fmt.Errorf("parse agent-groups sync: %w: %w", ErrAgentGroupsSync, err)
	}
	return s, nil
}
