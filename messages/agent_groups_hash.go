package messages

import (
	"crypto/sha1" //nolint:gosec // Wazuh's global group hash is SHA-1; it is a checksum, not a security boundary.
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// agentGroupHashLen is WDB_GROUP_HASH_SIZE: an agent's group_hash keeps the first 8 hex
// characters of the SHA-256.
const agentGroupHashLen = 8

// AgentGroupHash is wazuh-db's per-agent group_hash: the first 8 hex characters of the SHA-256
// of the groups joined by commas in priority order. No groups give "" (the column is NULL).
func AgentGroupHash(groups []string) string {
	if len(groups) == 0 {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.Join(groups, ",")))
	return hex.EncodeToString(sum[:])[:agentGroupHashLen]
}

// GlobalAgentGroupsHash is wazuh-db's global group hash (§7.3): the hex SHA-1 of the
// concatenated group_hash values of the agents (id > 0, group_hash not NULL), ordered by id.
func GlobalAgentGroupsHash(groupHashes []string) string {
	h := sha1.New()
	for _, gh := range groupHashes {
		h.Write([]byte(gh))
	}
	return hex.EncodeToString(h.Sum(nil))
}
