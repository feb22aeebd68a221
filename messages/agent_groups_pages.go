package messages

// WazuhDBMaxResponseSize is WDB_MAX_RESPONSE_SIZE: wazuh-db ends a sync-agent-groups-get page
// (status "due") before its answer would grow beyond this many bytes.
const WazuhDBMaxResponseSize = 65536 - 512

// GroupsHash is the "hash" member wazuh-db adds to the last page of sync-agent-groups-get when
// asked (get_global_hash). The zero value is a page asked without it (the full sync).
type GroupsHash struct {
	Asked bool
	// Value is the global group hash; empty when no agent has a group hash, which wazuh-db
	// writes as null (its digest's first byte is 0) and the master still broadcasts.
	Value string
}

// AskedGroupsHash is the hash member of a page asked with get_global_hash: value when ok, null
// otherwise.
func AskedGroupsHash(value string, ok bool) GroupsHash {
	if !ok {
		value = ""
	}
	return GroupsHash{Asked: true, Value: value}
}

func (h GroupsHash) member() []byte {
	switch {
	case !h.Asked:
		return nil
	case h.Value == "":
		return []byte(`,"hash":null`)
	default:
		return AppendCJSONString([]byte(`,"hash":`), h.Value)
	}
}

// ChunkAgentGroups pages entries the way wazuh-db answers successive sync-agent-groups-get
// calls: each page is the compact text EncodeAgentGroupsChunk would give, at most maxBytes long
// (an entry that alone exceeds maxBytes gets a page of its own), in order, and the hash is
// carried by the last page only. No entries and no hash yields no page: wazuh-db would answer
// [{"data":[]}], which the master drops; no entries with a hash (even null) is one page, which
// the master broadcasts (§7.2).
func ChunkAgentGroups(entries []AgentGroupsEntry, hash GroupsHash, maxBytes int) []string {
	hashMember := hash.member()
	hasHash := hash.Asked
	if len(entries) == 0 {
		if !hasHash {
			return nil
		}
		return []string{closePage([]byte(agentGroupsChunkOpen), hashMember)}
	}
	closing := len(agentGroupsChunkDataClose) + len(agentGroupsChunkClose)
	var pages []string
	page := append(make([]byte, 0, 4096), agentGroupsChunkOpen...)
	var starts []int // offset of each entry of the current page, to move the last one if needed
	var scratch []byte
	for _, e := range entries {
		scratch = appendCJSONEntry(scratch[:0], e)
		sep := 0
		if len(starts) > 0 {
			sep = 1
		}
		if len(starts) > 0 && len(page)+sep+len(scratch)+closing > maxBytes {
			pages = append(pages, closePage(page, nil))
			page, starts, sep = append(page[:0], agentGroupsChunkOpen...), starts[:0], 0
		}
		if sep == 1 {
			page = append(page, ',')
		}
		starts = append(starts, len(page))
		page = append(page, scratch...)
	}
	// The hash goes on the last page; when it does not fit there, the page's last entry moves
	// to one more page that carries the hash (a lone oversized entry leaves a hash-only page).
	if len(page)+closing+len(hashMember) <= maxBytes || !hasHash {
		return append(pages, closePage(page, hashMember))
	}
	if len(starts) == 1 {
		pages = append(pages, closePage(page, nil))
		return append(pages, closePage([]byte(agentGroupsChunkOpen), hashMember))
	}
	last := starts[len(starts)-1]
	tail := append(append([]byte(nil), agentGroupsChunkOpen...), page[last:]...)
	pages = append(pages, closePage(page[:last-1], nil))
	return append(pages, closePage(tail, hashMember))
}

func closePage(page, hashMember []byte) string {
	out := make([]byte, 0, len(page)+len(hashMember)+3)
	out = append(out, page...)
	out = append(out, agentGroupsChunkDataClose...)
	out = append(out, hashMember...)
	return string(append(out, agentGroupsChunkClose...))
}
