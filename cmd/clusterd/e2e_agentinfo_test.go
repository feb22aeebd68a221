package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test reads the nodes' stores as an operator's sqlite3 would

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node"
	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// TestEndToEndKillWorkerBeforeAgentInfoAnswer kills a worker process (SIGKILL) after it has
// sent its agent-info to the master and before the master answered. The master's store is held
// locked meanwhile, so its apply of that batch fails: without a resend the agents' data would
// be lost. Started again, the worker sends the rows it never saw confirmed, and the master ends
// with every agent on worker1.
func TestEndToEndKillWorkerBeforeAgentInfoAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	const agents = 40
	c := newE2E(t)
	master, worker := c.procs["master"], c.procs["worker1"]
	setInterval(t, worker.home, "worker", "sync_agent_info", 1)
	t.Cleanup(func() { logTailsOnFailure(t, master.home, worker.home) })
	c.start("master")
	c.start("worker1")
	c.waitWorkers(30*time.Second, "worker1")

	agentAddr := fmt.Sprintf("%s:1514", worker.ip)
	enroller, err := agentsim.New(agentsim.Config{
		Servers: []string{agentAddr}, EnrollAddrs: []string{fmt.Sprintf("%s:1515", master.ip)},
		Agents: agents, NamePrefix: "ai", Groups: "default", EnrollConcurrency: 8,
	})
	must(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must(t, enroller.Enroll(ctx))
	// Keys and groups on worker1 first: an agent without a group would make worker1 ask the
	// master for one, and the master's store is about to be locked.
	masterDB, workerDB := openStore(t, master.home), openStore(t, worker.home)
	poll.Eventually(t, time.Minute, "every agent and its group on worker1", func() error {
		return countIs(workerDB, agents, `SELECT COUNT(DISTINCT id_agent) FROM belongs WHERE id_agent > 0`)
	})
	lock := lockStore(t, masterDB)
	masterLog := filepath.Join(master.home, "logs", "cluster.log")
	logMark := fileSize(masterLog)

	sim, err := agentsim.New(agentsim.Config{
		Servers: []string{agentAddr}, Keys: enroller.Keys(), Agents: agents,
		NotifyTime: time.Second, RetryInterval: 200 * time.Millisecond,
	})
	must(t, err)
	must(t, sim.Start(context.Background()))
	stopped := false
	defer func() {
		if !stopped {
			sim.Stop()
		}
	}()
	// Every agent is known to worker1 and waiting to be synced, and the master has begun
	// applying a batch it cannot write.
	poll.Eventually(t, 30*time.Second, "every agent pending on worker1", func() error {
		return countIs(workerDB, agents, `SELECT COUNT(*) FROM agent
			WHERE id > 0 AND connection_status = 'active' AND sync_status != 'synced'`)
	})
	poll.Eventually(t, 30*time.Second, "the master applying worker1's agent-info", func() error {
		return logSince(masterLog, logMark, "[Worker worker1] [Agent-info sync] Starting.")
	})
	c.signal("worker1", syscall.SIGKILL)
	sim.Stop()
	stopped = true

	// The master's apply gives up on the locked store: nothing of the batch was written.
	poll.Eventually(t, 30*time.Second, "the master's apply failing", func() error {
		return logSince(masterLog, logMark, "chunks with errors")
	})
	must(t, lock.Rollback())
	must(t, countIs(masterDB, 0, `SELECT COUNT(*) FROM agent WHERE id > 0 AND node_name = 'worker1'`))

	c.start("worker1")
	poll.Eventually(t, time.Minute, "every agent on worker1 in the master's store", func() error {
		return countIs(masterDB, agents, `SELECT COUNT(*) FROM agent
			WHERE id > 0 AND node_name = 'worker1' AND version = 'Wazuh v4.14.7'`)
	})
	poll.Eventually(t, 30*time.Second, "worker1's rows confirmed", func() error {
		return countIs(workerDB, 0, `SELECT COUNT(*) FROM agent WHERE id > 0 AND sync_status != 'synced'`)
	})
}

// setInterval sets intervals.<role>.<key> in home's cluster.json.
func setInterval(t *testing.T, home, role, key string, seconds int) {
	t.Helper()
	path := filepath.Join(home, "etc", "cluster.json")
	raw, err := os.ReadFile(path)
	must(t, err)
	var doc map[string]map[string]map[string]any
	must(t, json.Unmarshal(raw, &doc))
	if doc["intervals"] == nil {
		doc["intervals"] = map[string]map[string]any{}
	}
	if doc["intervals"][role] == nil {
		doc["intervals"][role] = map[string]any{}
	}
	doc["intervals"][role][key] = seconds
	out, err := json.Marshal(doc)
	must(t, err)
	must(t, os.WriteFile(path, out, 0o640))
}

// openStore opens a node's store file beside the running node, as another SQLite client.
func openStore(t *testing.T, home string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+node.DBPath(home)+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	must(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// lockStore takes the store's write lock (BEGIN IMMEDIATE) and holds it until the returned
// transaction ends.
func lockStore(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), nil)
	must(t, err)
	return tx
}

func countIs(db *sql.DB, want int, query string) error {
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%d rows, want %d", n, want)
	}
	return nil
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// logSince reports whether the file holds line after offset from.
func logSince(path string, from int64, line string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if int64(len(raw)) > from && strings.Contains(string(raw[from:]), line) {
		return nil
	}
	return fmt.Errorf("no %q in %s yet", line, filepath.Base(path))
}

// logTailsOnFailure prints the end of each node's cluster.log when the test failed.
func logTailsOnFailure(t *testing.T, homes ...string) {
	if !t.Failed() {
		return
	}
	for _, home := range homes {
		raw, _ := os.ReadFile(filepath.Join(home, "logs", "cluster.log"))
		lines := strings.Split(string(raw), "\n")
		t.Logf("%s:\n%s", home, strings.Join(lines[max(0, len(lines)-40):], "\n"))
	}
}
