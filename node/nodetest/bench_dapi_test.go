package nodetest_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// storeReader stands for the local_master functions that read the agents table. With an
// agent_list it reads those agents' rows (GET /agents?agents_list=...: an indexed read); without,
// it counts the agents by connection status as GET /agents/summary/status does (a scan and a
// sort of the whole table). It answers Wazuh's dict.
type storeReader struct{ m *nodetest.Member }

func (s storeReader) Execute(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	if req.F.Name() == "get_basic_info" {
		// No store: what the transport alone costs.
		return dapi.NewWazuhResult(messages.Object{{Key: "type", Value: "server"}}), nil
	}
	st := s.m.Node().Store()
	if list, ok := req.Kwarg("agent_list"); ok {
		var items []any
		for _, v := range list.([]any) {
			id, err := strconv.Atoi(fmt.Sprint(v))
			if err != nil {
				return nil, err
			}
			a, found, err := st.Agent(ctx, id)
			if err != nil {
				return nil, err
			}
			if found {
				items = append(items, messages.Object{{Key: "id", Value: fmt.Sprintf("%03d", a.ID)}, {Key: "name", Value: a.Name},
					{Key: "status", Value: a.ConnectionStatus}, {Key: "node_name", Value: a.NodeName}})
			}
		}
		res := dapi.NewAffectedItems("All selected agents information was returned", "Some agents information was not returned",
			"No agent information was returned")
		res.Items, res.Total = items, len(items)
		return res, nil
	}
	counts, err := st.CountAgentsByStatus(ctx)
	if err != nil {
		return nil, err
	}
	connection, total := messages.Object{}, 0
	for _, status := range []string{"active", "disconnected", "never_connected", "pending"} {
		connection = append(connection, messages.Member{Key: status, Value: counts[status]})
		total += counts[status]
	}
	connection = append(connection, messages.Member{Key: "total", Value: total})
	return dapi.NewWazuhResult(messages.Object{{Key: "connection", Value: connection}}), nil
}

// importAgents writes n agents into the member's store in one transaction.
func importAgents(b *testing.B, m *nodetest.Member, n int) {
	b.Helper()
	entries := make([]clientkeys.Entry, n)
	for i := range entries {
		entries[i] = clientkeys.Entry{ID: i + 1, Name: fmt.Sprintf("agent-%06d", i+1), IP: "any", Key: fmt.Sprintf("%064d", i+1)}
	}
	if _, _, _, err := m.Node().Store().ImportClientKeys(context.Background(), entries); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDAPILocalMasterFromWorker: a local_master request asked on a worker's
// c-internal.sock, one connection per request as the API's LocalClient does: the worker relays
// it to the master, the master's queue runs it against its store of 10,000 agents, the answer
// comes back as a long string through the worker. p50/p99 per request with 1 and 64 clients
// asking at once. "agent" reads one agent's row (GET /agents?agents_list=<id>), "summary"
// counts the agents by status (GET /agents/summary/status: the whole table), "none" reads
// nothing (what the transport alone costs).
func BenchmarkDAPILocalMasterFromWorker(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 1, GossipTimers: &timers, Tune: productionTimeouts,
		DAPI: func(m *nodetest.Member) dapi.Executor { return storeReader{m: m} }})
	const agents = 10_000
	importAgents(b, c.Master(), agents)
	for _, fn := range []string{"none", "agent", "summary"} {
		for _, clients := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/clients=%d", fn, clients), func(b *testing.B) {
				var n atomic.Int64
				benchLatency(b, clients, func() error {
					req := apiRequest(b, "wazuh.agent", "get_agents_summary_status", dapi.LocalMaster, nil, false)
					switch fn {
					case "none":
						req = apiRequest(b, "wazuh.manager", "get_basic_info", dapi.LocalMaster, nil, false)
					case "agent":
						id := fmt.Sprintf("%03d", 1+n.Add(1)%agents)
						req = apiRequest(b, "wazuh.agent", "get_agents", dapi.LocalMaster,
							messages.Object{{Key: "agent_list", Value: []any{id}}}, false)
					}
					answer, err := dapiClient(c.Workers()[0]).Do(context.Background(), messages.CmdDapi, req)
					if err == nil && len(answer) == 0 {
						err = fmt.Errorf("empty answer")
					}
					return err
				})
			})
		}
	}
}

// BenchmarkDAPILocalMasterFromWorkerNodeExecutor is BenchmarkDAPILocalMasterFromWorker with
// the node's own executor running the real functions: wazuh.agent.get_agents for one agent
// ("agent") and get_agents_summary_status ("summary"). It is skipped where the node does not
// execute them.
func BenchmarkDAPILocalMasterFromWorkerNodeExecutor(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 1, GossipTimers: &timers, Tune: productionTimeouts})
	const agents = 10_000
	importAgents(b, c.Master(), agents)
	requests := map[string]func(i int64) []byte{
		"agent": func(i int64) []byte {
			return apiRequest(b, "wazuh.agent", "get_agents", dapi.LocalMaster, messages.Object{
				{Key: "agent_list", Value: []any{fmt.Sprintf("%03d", 1+i%agents)}}, {Key: "offset", Value: 0},
				{Key: "limit", Value: 500}, {Key: "filters", Value: messages.Object{}}, {Key: "distinct", Value: false}}, false)
		},
		"summary": func(int64) []byte {
			return apiRequest(b, "wazuh.agent", "get_agents_summary_status", dapi.LocalMaster, messages.Object{}, false)
		},
	}
	for _, fn := range []string{"agent", "summary"} {
		_, err := dapiClient(c.Workers()[0]).Do(context.Background(), messages.CmdDapi, requests[fn](0))
		if wazuhCode(err) == messages.ErrDistributedAPI.Code {
			b.Skipf("the node does not execute %s: %v", fn, err)
		}
		for _, clients := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/clients=%d", fn, clients), func(b *testing.B) {
				var n atomic.Int64
				benchLatency(b, clients, func() error {
					_, err := dapiClient(c.Workers()[0]).Do(context.Background(), messages.CmdDapi, requests[fn](n.Add(1)))
					return err
				})
			})
		}
	}
}

// BenchmarkClusterControlAgentsOnWorker: cluster_control -a asked on a worker, 50,000 agents in
// the master's store, with the node's own agents overview: the request relayed to the master,
// the 5 MB listing back as a long string through the worker.
func BenchmarkClusterControlAgentsOnWorker(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 1, GossipTimers: &timers, Tune: productionTimeouts})
	importAgents(b, c.Master(), 50_000)
	benchLatency(b, 1, func() error {
		doc, err := dapiClient(c.Workers()[0]).GetAgents(context.Background(), nil, nil)
		if err == nil && len(doc.Items) != 50_001 {
			err = fmt.Errorf("%d agents listed", len(doc.Items))
		}
		return err
	})
}

// productionTimeouts gives requests and keepalives Wazuh's timeouts (timeout_cluster_request
// 20 s, a worker dropped after 120 s without keepalive) instead of the test clusters' 2 s, which
// a loaded machine reaches.
func productionTimeouts(in *config.Internal) {
	def := config.DefaultInternal()
	in.Communication.TimeoutClusterRequest = def.Communication.TimeoutClusterRequest
	in.Master.MaxAllowedTimeWithoutKeepalive = def.Master.MaxAllowedTimeWithoutKeepalive
}

// benchLatency runs b.N calls of do, clients at a time, and reports the 50th and 99th
// percentiles of their durations.
func benchLatency(b *testing.B, clients int, do func() error) {
	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				start := time.Now()
				if err := do(); err != nil {
					errs <- err
					return
				}
				latencies[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	slices.Sort(latencies)
	at := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
