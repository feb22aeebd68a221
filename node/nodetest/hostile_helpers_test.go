package nodetest_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/nodetest"
)

// What every hostile-input test asserts once the abuse is over: the node is up, its healthy
// peers kept working through it, and what the abuse cost was given back.

// hostileIP is the i-th loopback address hostile peers connect from: none of the test
// cluster's own addresses, so the master counts them apart from its workers.
func hostileIP(i int) string {
	return fmt.Sprintf("127.%d.250.%d", 1+os.Getpid()%250, 1+i%250)
}

// keptConnected fails the test unless every worker of c stayed connected to the master on one
// and the same connection since before t0 (the master's handler for it is older than t0, and
// the worker sees itself connected), and the master's local socket answers cluster_control.
func keptConnected(t testing.TB, c *nodetest.Cluster, t0 time.Time) {
	t.Helper()
	kit := c.Master().Node().Kit()
	for _, w := range c.Workers() {
		since := time.Since(t0)
		up, ok := uptimeOf(kit, actors.Path(actors.NamePeers)+"/"+w.Name)
		if !ok || up < since {
			t.Fatalf("%s lost its connection to the master during the abuse (handler present %v, up %s, abuse began %s ago)",
				w.Name, ok, up, since)
		}
		if ok, err := w.WorkerConnected(); err != nil || !ok {
			t.Fatalf("%s does not see itself connected (%v)", w.Name, err)
		}
	}
	out := clusterControl(t, c.Master(), "-l")
	for _, w := range c.Workers() {
		if !strings.Contains(out, w.Name) {
			t.Fatalf("cluster_control -l does not list %s:\n%s", w.Name, out)
		}
	}
}

// goroutinesBackTo waits until the process runs at most base+slack goroutines: whatever the
// node started for the hostile peers has ended with them.
func goroutinesBackTo(t testing.TB, base, slack int) {
	t.Helper()
	nodetest.Eventually(t, 15*time.Second, func() error {
		if n := runtime.NumGoroutine(); n > base+slack {
			return fmt.Errorf("%d goroutines, %d before the abuse", n, base)
		}
		return nil
	})
	t.Logf("goroutines: %d before the abuse, %d after", base, runtime.NumGoroutine())
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// heapBackTo waits until the live heap is at most base+slack bytes: the node holds nothing of
// what the hostile peers sent once they are done.
func heapBackTo(t testing.TB, base, slack uint64) {
	t.Helper()
	var n uint64
	nodetest.Eventually(t, 15*time.Second, func() error {
		if n = heapInUse(); n > base+slack {
			return fmt.Errorf("heap in use %d MiB, %d MiB before the abuse", n>>20, base>>20)
		}
		return nil
	})
	t.Logf("heap in use: %d MiB before the abuse, %d MiB after", base>>20, n>>20)
}

// closedWithin reads and discards whatever nc receives until the other side closes it, and
// fails if that takes longer than d.
func closedWithin(nc net.Conn, d time.Duration) error {
	_ = nc.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("still open after %s", d)
	}
	return nil // EOF (io.Copy reports it as nil) or a reset: closed
}
