package ha

import (
	"testing"
	"time"
)

// BenchmarkCommitAgentAdd: one registration at a time (as enrollment decides them) committed
// by three members on loopback TCP, each with its durable log and its SQLite store, and
// applied on the leader before the next.
//
//	go test -run '^$' -bench CommitAgentAdd -benchtime 300x ./node/ha/
func BenchmarkCommitAgentAdd(b *testing.B) {
	g := newGroup(b, 3)
	leader := g.acting(10 * time.Second)
	b.ResetTimer()
	for b.Loop() {
		g.enroll(leader)
	}
}
