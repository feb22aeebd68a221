package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

// TestEndToEndKillWorkerMidApply kills a worker process (SIGKILL) as soon as it starts applying
// the master's package: every synced file it has is whole (old or new, never half), the other
// worker keeps its connection and converges, and after a restart the killed one converges too.
func TestEndToEndKillWorkerMidApply(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	c := newE2E(t)
	master, worker, other := c.procs["master"], c.procs["worker1"], c.procs["worker2"]
	// 200 files of 256 KiB: applying them takes long enough (a sync per file) to be interrupted.
	want := map[string][]byte{}
	for i := range 200 {
		rel := fmt.Sprintf("etc/shared/bulk/file%03d.conf", i)
		body := bytes.Repeat([]byte(fmt.Sprintf("<!-- %03d -->", i)), 256<<10/12)
		want[rel] = body
		path := filepath.Join(master.home, rel)
		must(t, os.MkdirAll(filepath.Dir(path), 0o770))
		must(t, os.WriteFile(path, body, 0o660))
	}
	c.start("master")
	c.start("worker1")
	c.start("worker2")
	c.waitWorkers(30*time.Second, "worker1", "worker2")

	// Wait until the worker has put its first file in place, then kill it at once: it is then
	// in the middle of applying the package.
	bulk := filepath.Join(worker.home, "etc", "shared", "bulk")
	deadline := time.Now().Add(30 * time.Second)
	for !hasSyncedFile(bulk) {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(worker.home, "logs", "cluster.log"))
			t.Fatalf("the worker never applied a file:\n%s", log)
		}
		time.Sleep(time.Millisecond)
	}
	c.signal("worker1", syscall.SIGKILL)
	killed := time.Now()
	present := checkWhole(t, worker.home, want)
	t.Logf("killed mid-apply with %d of %d files in place, none half-written", present, len(want))

	// The master drops only the killed worker; the other keeps its connection and converges.
	c.waitWorkers(10*time.Second, "worker2")
	since := time.Since(killed)
	if up, err := c.handlerUptime("worker2"); err != nil || up < since {
		t.Fatalf("worker2 lost its connection when worker1 was killed (handler up %s, %v)", up, err)
	}
	poll.Eventually(t, 60*time.Second, "worker2 converging", func() error {
		if n := checkWhole(t, other.home, want); n < len(want) {
			return fmt.Errorf("%d of %d files", n, len(want))
		}
		return nil
	})

	// Started again, it converges.
	c.start("worker1")
	deadline = time.Now().Add(60 * time.Second)
	for checkWhole(t, worker.home, want) < len(want) {
		if time.Now().After(deadline) {
			t.Fatal("the restarted worker did not converge")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hasSyncedFile reports whether dir holds a file under a synced name (not a temporary one).
func hasSyncedFile(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".conf") && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// checkWhole fails the test if any file under a synced name differs from the master's, and
// returns how many are in place. Temporary files are never under a synced name.
func checkWhole(t *testing.T, home string, want map[string][]byte) int {
	t.Helper()
	n := 0
	for rel, body := range want {
		got, err := os.ReadFile(filepath.Join(home, rel))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s is not whole: %d of %d bytes (%v)", rel, len(got), len(body), err)
		}
		n++
	}
	return n
}
