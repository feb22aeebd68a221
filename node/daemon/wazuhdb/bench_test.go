package wazuhdb

import (
	"context"
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

func BenchmarkAddAgent(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		_, err := s.AddAgent(ctx, NewAgent{Name: fmt.Sprintf("agent%d", i), Key: fmt.Sprintf("%064x", i), Groups: []string{"default"}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// seedAgents imports n keyed agents, ids 1 to n, named agent<id>.
func seedAgents(b testing.TB, s *Store, n int) {
	b.Helper()
	entries := make([]clientkeys.Entry, n)
	for i := range entries {
		entries[i] = clientkeys.Entry{ID: i + 1, Name: fmt.Sprintf("agent%d", i+1), IP: "any", Key: fmt.Sprintf("%064x", i+1)}
	}
	if _, _, _, err := s.ImportClientKeys(context.Background(), entries); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSetAgentGroups50k(b *testing.B) {
	const n = 50000
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	// Two assignments per agent, alternated so every call really changes
	// every agent's groups.
	sets := [2][]AgentGroups{make([]AgentGroups, n), make([]AgentGroups, n)}
	for i := range n {
		sets[0][i] = AgentGroups{ID: i + 1, Name: fmt.Sprintf("agent%d", i+1), Groups: []string{"default", fmt.Sprintf("g%d", i%10)}}
		sets[1][i] = AgentGroups{ID: i + 1, Name: fmt.Sprintf("agent%d", i+1), Groups: []string{fmt.Sprintf("g%d", i%7)}}
	}
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		if err := s.SetAgentGroups(ctx, ModeOverride, "syncreq", sets[round%2]); err != nil {
			b.Fatal(err)
		}
		round++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/assignment")
}

func BenchmarkAgentGroupsPage50k(b *testing.B) {
	const n = 50000
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	data := make([]AgentGroups, n)
	for i := range data {
		data[i] = AgentGroups{ID: i + 1, Groups: []string{"default", fmt.Sprintf("g%d", i%10)}}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := s.SetAgentGroups(ctx, ModeOverride, "syncreq", data); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		q := GroupsQuery{Condition: "sync_status", SetSynced: true, GetGlobalHash: true}
		got := 0
		for {
			page, more, err := s.AgentGroupsPage(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			got += len(page.Data)
			if !more {
				if !page.HasHash {
					b.Fatal("no hash on the last page")
				}
				break
			}
			q.LastID = page.Data[len(page.Data)-1].ID
		}
		if got != n {
			b.Fatalf("paged %d agents, want %d", got, n)
		}
	}
}

func BenchmarkUpdateAgentsInfo10k(b *testing.B) {
	const n = 10000
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	ctx := context.Background()
	agents := make([]Agent, n)
	for i := range agents {
		agents[i] = Agent{ID: i + 1, IP: "10.0.2.15", OSName: "Debian GNU/Linux", OSVersion: "12", OSMajor: "12",
			OSCodename: "bookworm", OSPlatform: "debian", OSUname: "Linux |vec-agent |6.1.0-18-amd64", OSArch: "x86_64",
			Version: "Wazuh v4.14.7", ConfigSum: "d6e3ac3e75ca0319af3e7c262776f331", MergedSum: "ab73af41699f13fdd81903b5f23d8d00",
			ManagerHost: "manager", NodeName: "worker1", LastKeepalive: 1700000000, ConnectionStatus: "active",
			GroupConfigStatus: "synced", SyncStatus: "synced",
			Labels: []Label{{"env", "staging"}, {"#\"_agent_ip\"", "10.0.2.15"}}}
	}
	b.ReportAllocs()
	for b.Loop() {
		updated, err := s.UpdateAgentsInfo(ctx, agents)
		if err != nil || updated != n {
			b.Fatalf("updated %d, %v", updated, err)
		}
	}
}

// BenchmarkSetAgentGroups50kUnchanged is a full resync where nothing changed.
func BenchmarkSetAgentGroups50kUnchanged(b *testing.B) {
	s, data := seedGrouped(b, 50000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.SetAgentGroups(ctx, ModeOverride, "synced", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGlobalGroupHash10k is the global group hash the master's agent-groups cycle
// computes, over 10,000 agents with groups.
func BenchmarkGlobalGroupHash10k(b *testing.B) {
	s, _ := seedGrouped(b, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.GlobalGroupHash(ctx); err != nil || !ok {
			b.Fatalf("hash: %v %v", ok, err)
		}
	}
}

// seedGrouped returns a store with n agents, each in "default" and one of ten other groups,
// and those assignments.
func seedGrouped(b *testing.B, n int) (*Store, []AgentGroups) {
	b.Helper()
	s, _ := openTemp(b)
	seedAgents(b, s, n)
	data := make([]AgentGroups, n)
	for i := range data {
		data[i] = AgentGroups{ID: i + 1, Groups: []string{"default", fmt.Sprintf("g%d", i%10)}}
	}
	if err := s.SetAgentGroups(context.Background(), ModeOverride, "synced", data); err != nil {
		b.Fatal(err)
	}
	return s, data
}

// BenchmarkGlobalGroupHash50kReported is the global group hash over 50,000 grouped agents whose
// rows hold what their workers reported (system, version, sums, labels), as on a master at
// rest: the rows are wide, the group hashes short.
func BenchmarkGlobalGroupHash50kReported(b *testing.B) {
	const n = 50000
	s, groups := seedGrouped(b, n)
	ctx := context.Background()
	agents := make([]Agent, n)
	for i := range agents {
		agents[i] = fullAgentInfo(groups[i].ID)
		agents[i].Name = groups[i].Name
	}
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: agents}, 1700000100); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.GlobalGroupHash(ctx); err != nil || !ok {
			b.Fatalf("hash: %v %v", ok, err)
		}
	}
}
