package nodetest_test

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// heapPeak samples the process's heap until stop is called (or the test ends) and returns the
// highest figure above the heap at the start; stop may be called more than once. The heap in
// use counts garbage not yet collected: the collector lets it grow to twice what is live.
func heapPeak(t testing.TB) (stop func() uint64) {
	return sampleHeapPeak(t, 10*time.Millisecond, false)
}

// liveHeapPeak is heapPeak for what is live: it collects garbage before every sample (every
// 100 ms), which slows the process down, so it is for benchmarks that report memory.
func liveHeapPeak(t testing.TB) (stop func() uint64) {
	return sampleHeapPeak(t, 100*time.Millisecond, true)
}

func sampleHeapPeak(t testing.TB, every time.Duration, collect bool) (stop func() uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		for {
			if collect {
				runtime.GC()
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > peak.Load() {
				peak.Store(ms.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-time.After(every):
			}
		}
	}()
	var once sync.Once
	stop = func() uint64 {
		once.Do(func() { close(done); <-finished })
		return peak.Load()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// floodHeader writes one frame header announcing size bytes, then junk until total bytes are
// written or the node closes the connection.
func floodHeader(nc net.Conn, counter uint32, size, total int, divided bool) {
	hdr := make([]byte, wire.HeaderLen)
	wire.Header{Counter: counter, Size: uint32(size), Command: messages.CmdSendSync, Divided: divided}.Put(hdr)
	if _, err := nc.Write(hdr); err != nil {
		return
	}
	junk := make([]byte, 64<<10)
	for sent := 0; sent < total; sent += len(junk) {
		_ = nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := nc.Write(junk); err != nil {
			return
		}
	}
}

// handlerUptime is how long the master's handler of worker has been running.
func handlerUptime(t *testing.T, c *nodetest.Cluster, worker string) time.Duration {
	t.Helper()
	up, ok := uptimeOf(c.Master().Node().Kit(), actors.Path(actors.NamePeers)+"/"+worker)
	if !ok {
		t.Fatalf("the master has no handler for %s", worker)
	}
	return up
}

// Ten unauthenticated connections announcing 256 MiB each and streaming junk cost the master
// nothing: each is closed at its header. The connected worker is untouched.
func TestUnauthenticatedFloodLeavesMemoryBounded(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	w := c.Workers()[0]
	addr := c.Master().Node().ClusterAddr().String()
	t0 := time.Now()
	stop := heapPeak(t)
	var wg sync.WaitGroup
	for i := range 10 {
		nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = nc.Close() })
		wg.Go(func() { floodHeader(nc, uint32(i), wire.MaxTotalSize, 32<<20, false) })
	}
	wg.Wait()
	peak := stop()
	t.Logf("heap peak during the flood: %d MiB above the start", peak>>20)
	if peak > 64<<20 {
		t.Fatalf("the flood made the process hold %d MiB", peak>>20)
	}
	if up := handlerUptime(t, c, w.Name); up < time.Since(t0) {
		t.Fatalf("the worker's connection was replaced during the flood (handler up for %s)", up)
	}
}

// Two authenticated workers streaming divided messages hold no more than the node's budget,
// and a healthy worker keeps its connection: its keepalives draw on the reserve.
func TestHostileWorkersAreHeldToTheReceiveBudget(t *testing.T) {
	const shared, perConn, reserve = 32 << 20, 64 << 20, 1 << 20
	// Buffers grow by doubling, so the budget is exhausted before the last bytes are taken.
	const full = shared - 4<<20
	c := nodetest.Start(t, nodetest.Options{Workers: 1, ReceiveBudget: func() *wire.ReceiveBudget {
		return wire.NewReceiveBudget(shared, perConn, reserve)
	}, Tune: func(in *config.Internal) {
		// The hostile workers send no keepalive (their reader waits for budget anyway): keep
		// the master from dropping them, so that only the budget holds them back. The healthy
		// worker still gives up on its master after unanswered keepalives.
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
	}})
	w := c.Workers()[0]
	budget := c.Master().Node().Kit().ReceiveBudget
	t0 := time.Now()
	stop := heapPeak(t)
	var wg sync.WaitGroup
	for _, name := range []string{"hostile1", "hostile2"} {
		p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
		if f := p.Call(messages.CmdHello, []byte(name+" wazuh worker 4.14.7")); f.Command != messages.CmdOK {
			t.Fatalf("hello of %s answered %s %q", name, f.Command, f.Payload)
		}
		wg.Go(func() {
			for i := range 40 {
				floodHeader(p.Conn(), uint32(1000+i%wire.MaxConcurrentDivided), 4<<20, 4<<20, true)
			}
		})
	}
	// Exhausted means held at the top and no longer moving: while the hostile readers still
	// take frames, each finished piece is copied into its message and its frame buffer given
	// back, so the figure dips by a frame now and then before every reader waits for budget.
	var last int64
	nodetest.Eventually(t, 10*time.Second, func() error {
		n := budget.InUse()
		settled := n >= full && n == last
		last = n
		if !settled {
			return fmt.Errorf("the hostile workers hold %d MiB, not the whole budget yet, or still moving", n>>20)
		}
		return nil
	})
	// Watch for a while with the budget exhausted: the healthy worker's keepalives (every
	// 0.3 s, each answered within 2 s) must keep being read and answered meanwhile, on the
	// connection it had (its master-side handler is not replaced).
	exhausted := time.Now()
	started := exhausted.Add(-handlerUptime(t, c, w.Name))
	if started.After(t0) {
		t0 = started
	}
	nodetest.Eventually(t, 15*time.Second, func() error {
		if now := time.Now(); now.Add(-handlerUptime(t, c, w.Name)).Sub(started) > 100*time.Millisecond {
			t.Fatalf("the healthy worker lost its connection (handler started again %s after the flood began)",
				now.Add(-handlerUptime(t, c, w.Name)).Sub(t0).Round(time.Millisecond))
		}
		if n := budget.InUse(); n < full {
			t.Fatalf("the hostile workers let go of the budget (%d MiB held): nothing was tested", n>>20)
		}
		if time.Since(exhausted) < 3*time.Second {
			return fmt.Errorf("watched for %s only", time.Since(exhausted))
		}
		return nil
	})
	if _, err := c.ConnectedWorkers(); err != nil {
		t.Fatalf("the master stopped answering: %v", err)
	}
	peak := stop()
	t.Logf("heap peak: %d MiB above the start; receive budget %d MiB in use of %d", peak>>20, budget.InUse()>>20, (shared+reserve)>>20)
	if peak > 4*shared {
		t.Fatalf("the hostile workers made the process hold %d MiB", peak>>20)
	}
	// Closing the cluster closes their connections, which ends the flooding goroutines.
	c.Stop()
	wg.Wait()
}
