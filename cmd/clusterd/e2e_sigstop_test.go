package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
)

// handlerUptime asks the master, through actorctl, how long its handler of worker has been
// running: the age of that worker's connection.
func (c *e2eCluster) handlerUptime(worker string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(c.bin, "actorctl"), "--home", c.procs["master"].home, "--json").Output()
	if err != nil {
		return 0, fmt.Errorf("actorctl: %w", err)
	}
	var reply actors.ActorsReply
	if err := json.Unmarshal(out, &reply); err != nil {
		return 0, fmt.Errorf("actorctl output %q: %w", out, err)
	}
	path := actors.Path(actors.NamePeers) + "/" + worker
	for _, a := range reply.Actors {
		if a.Path == path {
			return time.Duration(a.UptimeSeconds * float64(time.Second)), nil
		}
	}
	return 0, fmt.Errorf("no %s on the master", path)
}

// TestEndToEndStoppedWorkerIsDroppedAndRejoins stops a worker process (SIGSTOP): its TCP
// connection stays open and its kernel acknowledges, but nothing answers, neither keepalives
// nor memberlist probes. The master drops it within a bound (max_allowed_time_without_keepalive
// is 5 s here) while the other worker keeps its connection and cluster_control keeps answering
// on the master and through the other worker; continued (SIGCONT), the stopped worker rejoins.
func TestEndToEndStoppedWorkerIsDroppedAndRejoins(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	c := newE2E(t)
	t.Cleanup(func() { logTailsOnFailure(t, c.procs["master"].home, c.procs["worker1"].home) })
	c.start("master")
	c.start("worker1")
	c.start("worker2")
	c.waitWorkers(30*time.Second, "worker1", "worker2")

	stopped := c.procs["worker1"].cmd.Process
	must(t, stopped.Signal(syscall.SIGSTOP))
	// A stopped process ignores SIGTERM until continued: make sure the cleanup can stop it.
	continued := false
	t.Cleanup(func() {
		if !continued {
			_ = stopped.Signal(syscall.SIGCONT)
		}
	})
	t0 := time.Now()
	took := c.waitWorkers(20*time.Second, "worker2")
	t.Logf("the master dropped the stopped worker %s after SIGSTOP", took)

	up, err := c.handlerUptime("worker2")
	if err != nil || up < time.Since(t0) {
		t.Fatalf("worker2 lost its connection while worker1 was stopped (handler up %s, %v)", up, err)
	}
	if out, code := c.control("worker2", "-l"); code != 0 || !listsExactly(out, []string{"worker2"}) {
		t.Fatalf("cluster_control -l through worker2: exit %d\n%s", code, out)
	}

	must(t, stopped.Signal(syscall.SIGCONT))
	continued = true
	took = c.waitWorkers(30*time.Second, "worker1", "worker2")
	t.Logf("worker1 rejoined %s after SIGCONT", took)
	if out, code := c.control("worker1", "-i"); code != 0 || !strings.Contains(out, "Cluster name: wazuh") {
		t.Fatalf("cluster_control -i on the continued worker: exit %d\n%s", code, out)
	}
}
