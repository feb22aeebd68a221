package nodetest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// agentInfoTune gives a raw worker sending hundreds of MiB the time it needs.
func agentInfoTune(in *config.Internal) {
	in.Communication.TimeoutClusterRequest = 2 * time.Minute
	in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
	in.Master.TimeoutAgentInfo = 5 * time.Minute
}

// sendAgentInfoString has the master grant p an agent-info sync and receive doc; it returns the
// string id to name in syn_a_w_m.
func sendAgentInfoString(tb testing.TB, p *nodetest.RawPeer, doc []byte) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Request skips the master's own requests (agent-groups) that may come in between.
	if f, err := p.Request(ctx, messages.CmdSynAWMP, nil); err != nil || f.Command != messages.CmdOK || string(f.Payload) != "True" {
		tb.Fatalf("syn_a_w_m_p answered %s %q (%v)", f.Command, f.Payload, err)
	}
	id, err := wire.SendString(ctx, p, doc, wire.RequestChunk)
	if err != nil {
		tb.Fatalf("send the agent-info string: %v", err)
	}
	return id
}

// agentInfoResult sends syn_a_w_m for the string id and waits for the master's syn_m_a_e or
// syn_m_a_err, skipping whatever else the master sends meanwhile. It may run on any goroutine.
func agentInfoResult(p *nodetest.RawPeer, id string, wait time.Duration) (messages.Frame, error) {
	counter := p.AdvanceCounter(1)
	if err := p.Write(messages.Frame{Counter: counter, Command: messages.CmdSynAWM, Payload: []byte(id)}); err != nil {
		return messages.Frame{}, err
	}
	_ = p.Conn().SetReadDeadline(time.Now().Add(wait))
	for {
		f, err := p.ReadFrame()
		if err != nil {
			return f, fmt.Errorf("waiting for the agent-info result: %w", err)
		}
		switch {
		case f.Counter == counter && (f.Command != messages.CmdOK || string(f.Payload) != id):
			return f, fmt.Errorf("syn_a_w_m answered %s %q", f.Command, f.Payload)
		case f.Command == messages.CmdSynMAE || f.Command == messages.CmdSynMAErr:
			return f, nil
		}
	}
}

// BenchmarkAgentInfoDocumentMemory measures what a master holds and how long it takes to
// process the agent-info documents of AGENTINFO_WORKERS raw workers (1 by default) sent at
// once, each of AGENTINFO_AGENTS agents unknown to the master (1,000,000 by default, 226 MiB).
// heap-peak-MiB is the heap in use above what it was once the strings were received (the
// documents themselves are in that base): the cost of parsing and applying them, garbage not
// yet collected included. With AGENTINFO_LIVE=1 it is what is live instead (the benchmark
// collects garbage every 100 ms, which slows it down).
//
//	go test -run '^$' -bench AgentInfoDocumentMemory -benchtime 1x ./node/nodetest/
func BenchmarkAgentInfoDocumentMemory(b *testing.B) {
	agents, workers := envCount(b, "AGENTINFO_AGENTS", 1_000_000), envCount(b, "AGENTINFO_WORKERS", 1)
	doc := nodetest.FewFieldsAgentInfo(agents, 10_000_000)
	for b.Loop() {
		c := nodetest.Start(b, nodetest.Options{Workers: 0, Tune: agentInfoTune})
		peers, ids := make([]*nodetest.RawPeer, workers), make([]string, workers)
		for i := range workers {
			peers[i] = helloRaw(b, c, fmt.Sprintf("bigworker%d", i))
			ids[i] = sendAgentInfoString(b, peers[i], doc)
		}
		stop := heapPeak(b)
		if os.Getenv("AGENTINFO_LIVE") != "" {
			stop = liveHeapPeak(b)
		}
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, workers)
		for i := range workers {
			wg.Go(func() {
				f, err := agentInfoResult(peers[i], ids[i], 10*time.Minute)
				if err == nil && f.Command != messages.CmdSynMAE {
					err = fmt.Errorf("the master answered %s %q", f.Command, f.Payload)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		took, peak := time.Since(start), stop()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("%d workers, %d MiB documents of %d agents: processed in %s, heap peak %d MiB above the base",
			workers, len(doc)>>20, agents, took.Round(time.Millisecond), peak>>20)
		b.ReportMetric(float64(peak>>20), "heap-peak-MiB")
		b.ReportMetric(took.Seconds(), "s/documents")
		c.Stop()
	}
}

// BenchmarkAgentInfoKnownAgents: an honest worker's agent-info of AGENTINFO_KNOWN agents
// (50,000 by default), every one known to the master and changed since the last sync, from
// syn_a_w_m to the master's syn_m_a_e.
//
//	go test -run '^$' -bench AgentInfoKnownAgents -benchtime 3x ./node/nodetest/
func BenchmarkAgentInfoKnownAgents(b *testing.B) {
	n := envCount(b, "AGENTINFO_KNOWN", 50_000)
	c := nodetest.Start(b, nodetest.Options{Workers: 0, Tune: agentInfoTune})
	ctx := context.Background()
	st := c.Master().Node().Store()
	const first = 1000
	for i := range n {
		id := first + i
		if _, err := st.AddAgent(ctx, wazuhdb.NewAgent{ID: id, Name: "agent" + strconv.Itoa(id), IP: "any", Key: fmt.Sprintf("%064d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	// Two versions of every agent, alternated so that every round changes every row.
	docs := [2][]byte{nodetest.FewFieldsAgentInfo(n, first),
		bytes.ReplaceAll(nodetest.FewFieldsAgentInfo(n, first), []byte(`"last_keepalive": 1700000000`), []byte(`"last_keepalive": 1700000001`))}
	p := helloRaw(b, c, "honestworker")
	round := 0
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		id := sendAgentInfoString(b, p, docs[round%2])
		b.StartTimer()
		start := time.Now()
		f, err := agentInfoResult(p, id, 10*time.Minute)
		total += time.Since(start)
		if err != nil || f.Command != messages.CmdSynMAE {
			b.Fatalf("%s %q %v", f.Command, f.Payload, err)
		}
		round++
	}
	b.ReportMetric(total.Seconds()/float64(round), "s/document")
	b.ReportMetric(float64(total.Nanoseconds())/float64(round)/float64(n), "ns/agent")
}

// envCount reads a positive count from the environment, or gives def.
func envCount(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive count", name, v)
	}
	return n
}
