package wazuhdb

// LastKeepaliveSQL is an agent's last keepalive as an expression over a row of the agent table
// named agent: the master's latest keepalive-only write (agent_keepalive, see schemaV8) if one
// is there, the row's own column otherwise.
const LastKeepaliveSQL = `COALESCE((SELECT k.last_keepalive FROM agent_keepalive AS k WHERE k.id = agent.id), agent.last_keepalive)`

// AgentColumnSQL returns the expression that reads a column of Wazuh's agent table that the
// store holds apart from the agent's row (last_keepalive, see schemaV8), over a row of the
// table named agent; false for the columns the row holds. SelectGlobal's callers read the
// column through it (node/framework's ColumnsElsewhere).
func (s *Store) AgentColumnSQL(name string) (string, bool) {
	if name == "last_keepalive" {
		return LastKeepaliveSQL, true
	}
	return "", false
}
