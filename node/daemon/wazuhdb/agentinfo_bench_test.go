package wazuhdb

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// fullAgentInfo is a syncreq row with every column set, as a worker sends it.
func fullAgentInfo(id int) Agent {
	return Agent{ID: id, Name: fmt.Sprintf("agent%d", id), IP: "10.0.2.15", OSName: "Debian GNU/Linux",
		OSVersion: "12", OSMajor: "12", OSMinor: "0", OSCodename: "bookworm", OSBuild: "b1", OSPlatform: "debian",
		OSUname: "Linux |vec-agent |6.1.0-18-amd64 |#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) |x86_64",
		OSArch:  "x86_64", Version: "Wazuh v4.14.7", ConfigSum: "d6e3ac3e75ca0319af3e7c262776f331",
		MergedSum: "ab73af41699f13fdd81903b5f23d8d00", ManagerHost: "worker-host", NodeName: "worker1",
		LastKeepalive: 1700000000 + int64(id), ConnectionStatus: "active", GroupConfigStatus: "synced",
		Labels: []Label{{"env", "staging"}, {"#\"_agent_ip\"", "10.0.2.15"}}}
}

func benchmarkApplyAgentInfo(b *testing.B, n int) { benchmarkApplyAgentInfoBatches(b, n, n, false) }

// benchmarkApplyAgentInfoBatches applies n changed agents in one transaction, handed over
// batch agents at a time as the master reads a worker's document. Every round changes every
// reported field of every agent (system, version, sums, keepalive); with addresses, the agents'
// addresses and labels as well, which also rewrites their index entries and labels. The agents
// have been applied once before the clock starts, as on a master whose workers already synced.
func benchmarkApplyAgentInfoBatches(b *testing.B, n, batch int, addresses bool) {
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	// Two versions of every agent, alternated so each round really changes
	// every row.
	var batches [2]AgentInfoBatch
	for v := range batches {
		batches[v].Syncreq = make([]Agent, n)
		for i := range n {
			a := fullAgentInfo(i + 1)
			a.LastKeepalive += int64(v)
			a.ConfigSum = fmt.Sprintf("%032x", v)
			if addresses {
				a.IP = fmt.Sprintf("10.0.%d.15", v)
				a.Labels[1].Value = a.IP
			}
			batches[v].Syncreq[i] = a
		}
	}
	apply := func(all []Agent) {
		updated, err := s.ApplyAgentInfoBatches(ctx, 1700000100, func(w *AgentInfoWriter) error {
			for i := 0; i < len(all); i += batch {
				if err := w.Syncreq(all[i:min(i+batch, len(all))]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || updated != n {
			b.Fatalf("updated %d, %v", updated, err)
		}
	}
	apply(batches[1].Syncreq)
	b.ReportAllocs()
	round := 0
	cpu := startCPUClock()
	for b.Loop() {
		apply(batches[round%2].Syncreq)
		round++
	}
	reportPerAgent(b, cpu, n)
}

// cpuClock measures the process CPU time, a steadier figure than wall time
// on a machine shared with other work.
type cpuClock time.Duration

func startCPUClock() cpuClock { return cpuClock(processCPU()) }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerAgent adds wall and CPU nanoseconds per agent for runs over n agents.
func reportPerAgent(b *testing.B, start cpuClock, n int) {
	cpu := processCPU() - time.Duration(start)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/agent")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/agent")
}

func BenchmarkApplyAgentInfo10k(b *testing.B)  { benchmarkApplyAgentInfo(b, 10000) }
func BenchmarkApplyAgentInfo100k(b *testing.B) { benchmarkApplyAgentInfo(b, 100000) }

// BenchmarkApplyAgentInfo100kIn4096 is the 100k apply in the master's batches of a document.
func BenchmarkApplyAgentInfo100kIn4096(b *testing.B) {
	benchmarkApplyAgentInfoBatches(b, 100000, 4096, false)
}

// BenchmarkApplyAgentInfo100kNewAddresses is the 100k apply where every agent also has a new
// address and labels: every agent moved to another network at once, the worst case.
func BenchmarkApplyAgentInfo100kNewAddresses(b *testing.B) {
	benchmarkApplyAgentInfoBatches(b, 100000, 100000, true)
}

// BenchmarkPendingAgentInfo100k reads 100,000 pending full rows with two
// labels each, as a worker does before sending them to the master.
func BenchmarkPendingAgentInfo100k(b *testing.B) {
	const n = 100000
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	batch := AgentInfoBatch{Syncreq: make([]Agent, n)}
	for i := range n {
		batch.Syncreq[i] = fullAgentInfo(i + 1)
	}
	if _, err := s.ApplyAgentInfo(ctx, batch, 1700000100); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE agent SET sync_status = 'syncreq'`); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := startCPUClock()
	for b.Loop() {
		got, err := s.PendingAgentInfo(ctx, 0)
		if err != nil || len(got.Syncreq) != n || len(got.Syncreq[n-1].Labels) != 2 {
			b.Fatalf("pending %d, %v", len(got.Syncreq), err)
		}
	}
	reportPerAgent(b, cpu, n)
}

// BenchmarkRecordKeepalive is one worker-side keepalive write with labels,
// each in its own transaction as remoted's writer does.
func BenchmarkRecordKeepalive(b *testing.B) {
	const n = 1000
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := s.RecordKeepalive(ctx, i%n+1, vectorKeepalive, "syncreq_keepalive", 1700000000+int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyAgentInfo100kKeepalives applies the document a worker sends once its agents are
// settled: every agent kept alive, nothing else changed (wazuh-db's "syncreq_keepalive" list,
// ids only), the common case of every agent-info sync after the first.
func BenchmarkApplyAgentInfo100kKeepalives(b *testing.B) {
	const n = 100000
	batch := AgentInfoBatch{Keepalive: make([]AgentKeepalive, n)}
	for i := range n {
		batch.Keepalive[i] = AgentKeepalive{ID: i + 1, Version: "Wazuh v4.14.7"}
	}
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	b.ReportAllocs()
	now := int64(1700000100)
	cpu := startCPUClock()
	for b.Loop() {
		now++
		updated, err := s.ApplyAgentInfo(ctx, batch, now)
		if err != nil || updated != n {
			b.Fatalf("updated %d, %v", updated, err)
		}
	}
	reportPerAgent(b, cpu, n)
}

// benchmarkWorkersKeepalives applies one agent-info cycle of 25 workers with 2,000 agents each
// out of 50,000 (agent i reports to worker i mod 25, so each worker's agents are spread over the
// whole table), each worker's document in a transaction of its own or all in one.
func benchmarkWorkersKeepalives(b *testing.B, together bool) {
	const workers, perWorker = 25, 2000
	docs := make([][]AgentKeepalive, workers)
	for w := range docs {
		for i := range perWorker {
			docs[w] = append(docs[w], AgentKeepalive{ID: w + 1 + i*workers, Version: "Wazuh v4.14.7"})
		}
	}
	s, _ := openTemp(b)
	seedAgents(b, s, workers*perWorker)
	ctx := context.Background()
	apply := func(now int64, docs [][]AgentKeepalive) {
		updated, err := s.ApplyAgentInfoBatches(ctx, now, func(w *AgentInfoWriter) error {
			for _, d := range docs {
				if err := w.Keepalive(d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || updated != len(docs)*perWorker {
			b.Fatalf("updated %d, %v", updated, err)
		}
	}
	b.ReportAllocs()
	now := int64(1700000100)
	var slowest time.Duration // the longest transaction: what a worker's sync waits for at worst
	timed := func(docs [][]AgentKeepalive) {
		start := time.Now()
		apply(now, docs)
		slowest = max(slowest, time.Since(start))
	}
	cpu := startCPUClock()
	for b.Loop() {
		now++
		if together {
			timed(docs)
			continue
		}
		for _, d := range docs {
			timed([][]AgentKeepalive{d})
		}
	}
	reportPerAgent(b, cpu, workers*perWorker)
	b.ReportMetric(float64(slowest.Microseconds())/1000, "max-tx-ms")
}

func BenchmarkApplyAgentInfo25WorkersApart(b *testing.B)    { benchmarkWorkersKeepalives(b, false) }
func BenchmarkApplyAgentInfo25WorkersTogether(b *testing.B) { benchmarkWorkersKeepalives(b, true) }
