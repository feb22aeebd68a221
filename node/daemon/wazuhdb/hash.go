package wazuhdb

import "github.com/clusterd/clusterd/messages"

// GroupHash is wazuh-db's per-agent group_hash (messages.AgentGroupHash). No groups give ""
// (the column is NULL then).
func GroupHash(groups []string) string { return messages.AgentGroupHash(groups) }

// GlobalHash is wazuh-db's global group hash of the agents' group_hash values ordered by id
// (messages.GlobalAgentGroupsHash).
func GlobalHash(groupHashes []string) string { return messages.GlobalAgentGroupsHash(groupHashes) }
