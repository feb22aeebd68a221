package nodetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// BenchmarkWazuhModeAgentInfo10k is one agent-info cycle of 10,000 changed agents (10,000 by
// default, WAZUHMODE_AGENTS) between a worker and a master in Wazuh mode, each beside its own
// stand-in wazuh-db, in-process over real sockets: from the moment the worker's wazuh-db holds
// them as changed (remoted's syncreq) to the moment the master's wazuh-db has all of them —
// the worker's GET, the document sent as a long string over TCP with Fernet, the master's check
// and its POSTs. The worker looks every 50 ms (sync_agent_info), which the figure includes.
//
//	go test -run '^$' -bench WazuhModeAgentInfo10k -benchtime 5x ./node/nodetest/
func BenchmarkWazuhModeAgentInfo10k(b *testing.B) {
	agents := envCount(b, "WAZUHMODE_AGENTS", 10_000)
	c := nodetest.Start(b, nodetest.Options{Workers: 1, WazuhDB: true, Tune: func(in *config.Internal) {
		in.Worker.SyncAgentInfo = 50 * time.Millisecond
		in.Communication.TimeoutClusterRequest = time.Minute
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
	}})
	master, worker := c.Master().WazuhDB(), c.Workers()[0].WazuhDB()
	for _, w := range []*standin.WazuhDB{master, worker} {
		for id := 1; id <= agents; id++ {
			if err := w.AddAgent(standin.Agent{ID: id, Name: fmt.Sprintf("agent-%05d", id), IP: "10.0.0.1"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	round := 0
	for b.Loop() {
		round++
		tag := fmt.Sprintf("round-%d", round)
		if err := worker.Exec("UPDATE agent SET os_name = 'Ubuntu', os_platform = 'ubuntu', os_version = '24.04', "+
			"os_uname = 'Linux |agent |6.8.0 |#1 SMP |x86_64', os_arch = 'x86_64', version = 'Wazuh v4.14.7', config_sum = ?, "+
			"merged_sum = 'ab12cd34ef56ab12cd34ef56ab12cd34', manager_host = 'worker1', node_name = 'worker1', "+
			"last_keepalive = strftime('%s','now'), connection_status = 'active', group_config_status = 'synced', "+
			"sync_status = 'syncreq' WHERE id > 0", tag); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			n, err := master.Count("SELECT COUNT(*) FROM agent WHERE config_sum = ?", tag)
			if err != nil {
				b.Fatal(err)
			}
			if n == agents {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d agents in the master's wazuh-db after 2 minutes", n, agents)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
