package agentsim

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// helperManagerEnv, set to a client.keys path, turns the test binary into a fake
// manager process: the benchmark measures the simulator's memory alone, and
// each process stays within its file-descriptor limit.
const helperManagerEnv = "AGENTSIM_HELPER_MANAGER_KEYS"

// runHelperManager serves as a fake manager, prints its address and runs until
// its standard input closes.
func runHelperManager() int {
	f, err := os.Open(os.Getenv(helperManagerEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	keys, err := ParseClientKeys(f)
	_ = f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ring, err := newKeyring(keys...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := newFakeManager(ring, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(m.addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	m.kill()
	return 0
}

// startHelperManager runs a fake manager process that knows keys.
func startHelperManager(b *testing.B, keys []agentproto.Key) string {
	b.Helper()
	var text strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&text, "%s %s %s %s\n", k.ID, k.Name, k.IP, k.Raw)
	}
	path := filepath.Join(b.TempDir(), "client.keys")
	if err := os.WriteFile(path, []byte(text.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperManagerEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("helper manager: %v", err)
	}
	return strings.TrimSpace(addr)
}

// BenchmarkIdleAgents connects 10,000 agents with 20 s keepalives to a manager in
// another process and reports the simulator's memory and goroutines per agent;
// the timed loop is Report().
func BenchmarkIdleAgents(b *testing.B) {
	const agents = 10000
	b.ReportAllocs()
	keys := makeKeys(agents, "idle")
	addr := startHelperManager(b, keys)

	before := settledMemStats()
	goroutinesBefore := runtime.NumGoroutine()
	sim, err := New(Config{Servers: []string{addr}, Keys: keys, NotifyTime: 20 * time.Second,
		TimeReconnect: 60 * time.Second, ConnectConcurrency: 256})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Stop()
	start := time.Now()
	if err := sim.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for sim.Report().Connected < agents {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d agents connected", sim.Report().Connected, agents)
		}
		time.Sleep(50 * time.Millisecond)
	}
	connectTime := time.Since(start)
	after := settledMemStats()
	goroutines := runtime.NumGoroutine() - goroutinesBefore

	for b.Loop() {
		_ = sim.Report()
	}
	// Metrics go after the loop: b.Loop resets what was reported before it.
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/agents, "heap-B/agent")
	b.ReportMetric(float64(after.StackInuse-before.StackInuse)/agents, "stack-B/agent")
	b.ReportMetric(float64(after.Sys-before.Sys)/agents, "sys-B/agent")
	b.ReportMetric(float64(goroutines)/agents, "goroutines/agent")
	b.ReportMetric(connectTime.Seconds(), "connect-all-s")
}

func settledMemStats() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}
