package framework

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// seedAgents enrolls n agents and gives them what keepalives tell (status, version, node),
// spread over three nodes.
func seedAgents(b testing.TB, st *wazuhdb.Store, n int) {
	b.Helper()
	ctx := context.Background()
	entries := make([]clientkeys.Entry, n)
	for i := range entries {
		entries[i] = clientkeys.Entry{ID: i + 1, Name: fmt.Sprintf("agent%d", i+1), IP: "any", Key: fmt.Sprintf("%064x", i+1)}
	}
	if _, _, _, err := st.ImportClientKeys(ctx, entries); err != nil {
		b.Fatal(err)
	}
	statuses := []string{"active", "disconnected", "active", "pending"}
	nodes := []string{"master-node", "worker1", "worker2"}
	agents := make([]wazuhdb.Agent, n)
	now := time.Now().Unix()
	for i := range agents {
		agents[i] = wazuhdb.Agent{ID: i + 1, IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			ConnectionStatus: statuses[i%len(statuses)], Version: "Wazuh v4.14.7", NodeName: nodes[i%len(nodes)],
			OSPlatform: "ubuntu", OSName: "Ubuntu", LastKeepalive: now}
	}
	if _, err := st.UpdateAgentsInfo(ctx, agents); err != nil {
		b.Fatal(err)
	}
}

// cluster_control -a on a master with 50,000 agents: the query, the result and its encoding
// into the long string the node sends (the part of `cluster_control -a` the master spends).
func BenchmarkAgentsOverview50k(b *testing.B) {
	n := newTestNode(b)
	seedAgents(b, n.store, 50000)
	req := request(b, "wazuh.core.agent", "Agent.get_agents_overview", overviewRequest("all", "all"), reqOpts{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := n.native.Execute(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if len(dapi.EncodeResult(res)) == 0 {
			b.Fatal("empty answer")
		}
	}
}

// benchAdminRequest runs one wazuh.agent function as the administrator over a store of
// agents agents, the answer encoded as the node sends it.
func benchAdminRequest(b *testing.B, agents int, function, kwargs string) {
	n := newTestNode(b)
	seedAgents(b, n.store, agents)
	req := request(b, "wazuh.agent", function, kwargs, reqOpts{policies: adminPolicies(b)})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := n.native.Execute(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		_ = dapi.EncodeResult(res)
	}
}

// GET /agents with the API's defaults (500 agents of 50,000, every field) as the
// administrator.
func BenchmarkGetAgents50k(b *testing.B) {
	benchAdminRequest(b, 50000, "get_agents", `{"offset": 0, "limit": 500, "filters": {}, "distinct": false}`)
}

// GET /agents?agents_list=<id> as the administrator with 10,000 agents: what one agent's
// page costs when the RBAC wildcard covers every agent.
func BenchmarkGetOneAgent10k(b *testing.B) {
	benchAdminRequest(b, 10000, "get_agents", `{"agent_list": ["005432"], "offset": 0, "limit": 500, "filters": {}, "distinct": false}`)
}

// GET /agents/summary/status as the administrator with 10,000 agents.
func BenchmarkAgentsSummaryStatus10k(b *testing.B) {
	benchAdminRequest(b, 10000, "get_agents_summary_status", `{}`)
}
