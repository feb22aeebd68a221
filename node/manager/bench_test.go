package manager

import (
	"context"
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// tenThousand is the agent count of the agent-info benchmarks.
const tenThousand = 10_000

// reportAll marks every agent of a worker's wazuh-db as remoted does after a keepalive that
// changed its information (syncreq), tagged with round so each round writes new values.
func reportAll(b *testing.B, w *standin.WazuhDB, round int) {
	b.Helper()
	if err := w.Exec("UPDATE agent SET os_name = 'Ubuntu', os_platform = 'ubuntu', os_version = '24.04', "+
		"os_uname = 'Linux |agent |6.8.0 |#1 SMP |x86_64', os_arch = 'x86_64', version = 'Wazuh v4.14.7', "+
		"config_sum = ?, merged_sum = 'ab12cd34ef56ab12cd34ef56ab12cd34', manager_host = 'worker1', node_name = 'worker1', "+
		"last_keepalive = strftime('%s','now'), connection_status = 'active', group_config_status = 'synced', "+
		"sync_status = 'syncreq' WHERE id > 0", fmt.Sprintf("round-%d", round)); err != nil {
		b.Fatal(err)
	}
}

func seedBench(b *testing.B, w *standin.WazuhDB) {
	b.Helper()
	for id := 1; id <= tenThousand; id++ {
		if err := w.AddAgent(standin.Agent{ID: id, Name: fmt.Sprintf("agent-%05d", id), IP: "10.0.0.1"}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchManager(b *testing.B, opts standin.WazuhDBOptions) (*standin.WazuhDB, *Manager) {
	b.Helper()
	home := b.TempDir()
	w, err := standin.StartWazuhDB(home, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Close)
	m := New(home, Options{})
	b.Cleanup(m.Close)
	seedBench(b, w)
	return w, m
}

// BenchmarkWorkerReadsAgentInfo10k is the worker's side of one agent-info cycle with 10,000
// changed agents: GET /v1/agents/sync from the stand-in wazuh-db over its real socket, the
// answer parsed and merged into what is held.
//
//	go test -run '^$' -bench 'AgentInfo10k' -benchtime 5x ./node/manager/
func BenchmarkWorkerReadsAgentInfo10k(b *testing.B) {
	w, m := benchManager(b, standin.WazuhDBOptions{Worker: true, NodeName: "worker1"})
	store := m.Services(false).AgentInfo
	ctx := context.Background()
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		reportAll(b, w, round)
		b.StartTimer()
		chunks, token, err := store.PendingAgentInfo(ctx)
		if err != nil || len(chunks.Syncreq) != tenThousand {
			b.Fatalf("%d agents, %v", len(chunks.Syncreq), err)
		}
		if err := store.ConfirmAgentInfo(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMasterPostsAgentInfo10k is the master's side: a worker's document of 10,000 agents
// checked, then posted to the stand-in wazuh-db over its real socket in bounded bodies.
func BenchmarkMasterPostsAgentInfo10k(b *testing.B) {
	w, m := benchManager(b, standin.WazuhDBOptions{NodeName: "master"})
	store := m.Services(true).AgentInfo
	ctx := context.Background()
	var c messages.AgentInfoChunks
	for id := 1; id <= tenThousand; id++ {
		c.Syncreq = append(c.Syncreq, messages.AgentInfoItem{ID: id, Name: fmt.Sprintf("agent-%05d", id), IP: "10.0.0.1",
			OSName: "Ubuntu", OSPlatform: "ubuntu", OSVersion: "24.04", OSUname: "Linux |agent |6.8.0 |#1 SMP |x86_64",
			OSArch: "x86_64", Version: "Wazuh v4.14.7", ConfigSum: "round", MergedSum: "ab12cd34ef56ab12cd34ef56ab12cd34",
			ManagerHost: "worker1", NodeName: "worker1", LastKeepalive: 1700000000, ConnectionStatus: "active",
			GroupConfigStatus: "synced", Labels: []messages.AgentLabel{{Key: "site", Value: "north"}}})
	}
	doc := messages.EncodeAgentInfoSync(c)
	d, err := messages.ScanAgentInfoSync(doc)
	if err != nil {
		b.Fatal(err)
	}
	fill := func(v messages.AgentInfoVisitor) error {
		_, err := d.Walk(v)
		return err
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if n, err := store.ApplyAgentInfo(ctx, fill); err != nil || n != tenThousand {
			b.Fatalf("%d agents, %v", n, err)
		}
	}
	b.StopTimer()
	if n, _ := w.Count("SELECT COUNT(*) FROM agent WHERE node_name = 'worker1'"); n != tenThousand {
		b.Fatalf("%d agents updated", n)
	}
}

// One sendsync request to a daemon on its socket (an authd "add" and its answer), as the
// master's sendsync queue runs it: connect, send, read the answer.
func BenchmarkSendsyncToADaemon(b *testing.B) {
	home := b.TempDir()
	answer := []byte(`{"error":0,"data":{"id":"001","name":"agent-1","ip":"any","key":"d6bf3e8ac0cbd6a5a6d4f5e9d1c6a1f2"}}`)
	d, err := standin.StartDaemon(standin.AuthdSocketPath(home), func([]byte) []byte { return answer })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(d.Close)
	daemons := New(home, Options{}).Daemons()
	message := []byte(`{"function":"add","arguments":{"name":"agent-1","ip":"any","groups":"default"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := daemons.Dispatch(context.Background(), "authd", message); err != nil {
			b.Fatal(err)
		}
	}
}
