package wazuhdb

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
)

// BenchmarkApplyAgentInfoFirstReports is the master's share of agents arriving, as in Wazuh's
// benchmark shape: 25 workers, each sending a document of the first reports (system, a new
// address, labels) of 200 of its agents, a transaction each; 50,000 agents, ids assigned to the
// workers at random. Besides the time, it reports the pages each agent's report wrote to the
// journal ("journal-pages/agent"): every one is written again when the journal is copied
// back into the database, and those copies, each several tenths of a second with the fsyncs
// around them, were what a worker's document waited for longest while agents arrived.
func BenchmarkApplyAgentInfoFirstReports(b *testing.B) {
	const n, workers, perDoc = 50000, 25, 200
	ctx := context.Background()
	var (
		s       *Store
		order   []int
		next    int
		journal int
	)
	fresh := func() {
		s, _ = openTemp(b)
		seedAgents(b, s, n)
		// The journal is copied back only by this benchmark, which counts its pages first.
		if err := s.checkpoints.close(); err != nil {
			b.Fatal(err)
		}
		if _, err := s.db.Exec("PRAGMA wal_autocheckpoint(0)"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			b.Fatal(err)
		}
		order = rand.New(rand.NewSource(1)).Perm(n)
		next = 0
	}
	fresh()
	b.ReportAllocs()
	for b.Loop() {
		if next+workers*perDoc > n {
			b.StopTimer()
			fresh()
			b.StartTimer()
		}
		docs := make([][]Agent, workers)
		for _, k := range order[next : next+workers*perDoc] {
			a := fullAgentInfo(k + 1)
			w := k % workers
			a.NodeName = fmt.Sprintf("worker%d", w)
			a.IP = fmt.Sprintf("10.%d.%d.%d", w, k/250%250, k%250+1)
			a.Labels[1].Value = a.IP
			docs[w] = append(docs[w], a)
		}
		next += workers * perDoc
		for _, doc := range docs {
			if updated, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: doc}, 1700000100); err != nil || updated != len(doc) {
				b.Fatalf("updated %d of %d, %v", updated, len(doc), err)
			}
		}
		b.StopTimer()
		var busy, frames, copied int
		if err := s.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil || busy != 0 {
			b.Fatalf("checkpoint: busy %d, %v", busy, err)
		}
		journal += frames
		if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(workers*perDoc), "ns/agent")
	b.ReportMetric(float64(journal)/float64(b.N)/float64(workers*perDoc), "journal-pages/agent")
}
