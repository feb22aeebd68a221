package messages

import (
	"strings"
	"testing"
)

// BenchmarkAgentGroupsSync50k pages 50,000 assignments like wazuh-db (≤ 64 KiB pages) and
// encodes the master's sync document from them.
func BenchmarkAgentGroupsSync50k(b *testing.B) {
	entries := manyAgentGroups(50000)
	hash := strings.Repeat("ab", 20)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		pages := ChunkAgentGroups(entries, GroupsHash{Asked: true, Value: hash}, WazuhDBMaxResponseSize)
		doc := EncodeAgentGroupsSync(AgentGroupsSync{Mode: AgentGroupsModeOverride, SyncStatus: AgentGroupsStatusSynced, Chunks: pages})
		size = len(doc)
	}
	b.SetBytes(int64(size))
}

func BenchmarkChunkAgentGroups50k(b *testing.B) {
	entries := manyAgentGroups(50000)
	b.ReportAllocs()
	for b.Loop() {
		_ = ChunkAgentGroups(entries, GroupsHash{Asked: true, Value: "h"}, WazuhDBMaxResponseSize)
	}
}

func BenchmarkParseAgentGroupsSync50k(b *testing.B) {
	pages := ChunkAgentGroups(manyAgentGroups(50000), GroupsHash{Asked: true, Value: "h"}, WazuhDBMaxResponseSize)
	doc := EncodeAgentGroupsSync(AgentGroupsSync{Mode: "override", SyncStatus: "synced", Chunks: pages})
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAgentGroupsSync(doc); err != nil {
			b.Fatal(err)
		}
	}
}
