package dapi

import (
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// agentsAnswer is cluster_control -a's answer for n agents, as the master encodes it.
func agentsAnswer(n int) []byte {
	items := make([]any, n)
	for i := range items {
		items[i] = messages.Object{
			{Key: "id", Value: fmt.Sprintf("%03d", i)}, {Key: "name", Value: fmt.Sprintf("agent-%d", i)},
			{Key: "ip", Value: "10.0.0.1"}, {Key: "status", Value: "active"}, {Key: "version", Value: "Wazuh v4.14.7"},
			{Key: "node_name", Value: "worker1"},
		}
	}
	return EncodeResult(NewWazuhResult(messages.Object{{Key: "items", Value: items}, {Key: "totalItems", Value: n}}))
}

// BenchmarkDecodeResultAgents50k decodes the 50,000-agent answer a worker relays for
// cluster_control -a (the 0.5 s budget covers the whole request).
func BenchmarkDecodeResultAgents50k(b *testing.B) {
	answer := agentsAnswer(50000)
	b.SetBytes(int64(len(answer)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResult(answer); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResultAgents50k(b *testing.B) {
	r, err := DecodeResult(agentsAnswer(50000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		EncodeResult(r)
	}
}

// BenchmarkDecodeRequest decodes the API's GET /cluster/nodes request with the administrator's
// policies (3.2 kB), the work of every request a node receives.
func BenchmarkDecodeRequest(b *testing.B) {
	payload := dapiPayload(b, loadCapture(b, "D1"))
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeRequest(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRouteAgents10k routes a request for 10,000 agents spread over three workers.
func BenchmarkRouteAgents10k(b *testing.B) {
	agents := &fakeAgents{}
	ids := make([]any, 10000)
	for i := range ids {
		id := fmt.Sprintf("%05d", i)
		ids[i] = id
		agents.rows = append(agents.rows, AgentNode{ID: id, Node: fmt.Sprintf("worker%d", i%3)})
	}
	req := distributedRequest(b, `{}`, "")
	req.Kwargs = messages.Object{{Key: "agent_list", Value: ids}}
	c := Cluster{Self: "master-node", Master: true, Connected: []string{"master-node", "worker0", "worker1", "worker2"}}
	b.ReportAllocs()
	for b.Loop() {
		agents.queries = agents.queries[:0]
		if _, err := Route(req, c, agents); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeAffected25k folds two nodes' answers of 25,000 agents each, sorted by id, with
// 10,000 failed ids each: what a broadcast over a large cluster merges.
func BenchmarkMergeAffected25k(b *testing.B) {
	side := func(offset int) *AffectedItems {
		a := NewAffectedItems("all", "some", "none")
		a.SortFields, a.SortCasting = []string{"id"}, []string{"str"}
		for i := 0; i < 25000; i++ {
			a.Items = append(a.Items, messages.Object{{Key: "id", Value: fmt.Sprintf("%05d", 2*i+offset)}})
		}
		a.Total = len(a.Items)
		for i := 0; i < 10000; i++ {
			a.AddFailed(fmt.Sprintf("%06d", 2*i+offset), messages.NewResourceNotFound(1701, nil))
		}
		return a
	}
	left, right := side(0), side(1)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Merge(left, right)
		if err != nil || len(r.(*AffectedItems).Items) != 50000 || r.(*AffectedItems).TotalFailed() != 20000 {
			b.Fatal(r, err)
		}
	}
}
