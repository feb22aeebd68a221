package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
)

// BenchmarkIdleAgentFlood is the descriptor measurement: a real master process, then
// CLUSTERD_FLOOD_CONNS (20,000) idle TCP connections to its agent port (CLUSTERD_FLOOD_PORT=1515:
// to its enrollment port), opened by helper processes (each process has its own descriptor
// limit). It reports the master's descriptors
// (/proc/<pid>/fd) before, during and after the flood, whether cluster_control -l and an
// enrollment still work during it, and the descriptors once the identification bound has closed
// the idle connections. CLUSTERD_FLOOD_BIN names a folder holding other clusterd and
// cluster_control binaries to measure (an older build, for a before/after).
//
//	go test -run '^$' -bench IdleAgentFlood -benchtime 1x ./cmd/clusterd/
func BenchmarkIdleAgentFlood(b *testing.B) {
	if testing.Short() {
		b.Skip("20,000 connections")
	}
	conns, port := 20000, "1514"
	if v, err := strconv.Atoi(os.Getenv("CLUSTERD_FLOOD_CONNS")); err == nil && v > 0 {
		conns = v
	}
	if os.Getenv("CLUSTERD_FLOOD_PORT") == "1515" {
		port = "1515"
	}
	for b.Loop() {
		c := newE2EWithBinaries(b, os.Getenv("CLUSTERD_FLOOD_BIN"))
		c.start("master")
		c.waitWorkers(30 * time.Second)
		pid := c.procs["master"].cmd.Process.Pid
		floodAddr := net.JoinHostPort(c.procs["master"].ip, port)
		enrollAddr := net.JoinHostPort(c.procs["master"].ip, "1515")
		base := openDescriptors(b, pid)

		opened := flood(b, floodAddr, conns)
		time.Sleep(2 * time.Second) // let the accept loop catch up with the backlog
		during := openDescriptors(b, pid)
		start := time.Now()
		_, code := c.control("master", "-l")
		controlTook := time.Since(start)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start = time.Now()
		reply, err := nodetest.EnrollAt(ctx, enrollAddr, "OSSEC A:'flood-probe' V:'v4.14.7'\n")
		cancel()
		enrolled := err == nil && strings.HasPrefix(reply, "OSSEC K:'")
		enrollTook := time.Since(start)

		// The identification bound (30 s by default) closes the idle connections.
		deadline := time.Now().Add(60 * time.Second)
		after := openDescriptors(b, pid)
		for after > base+50 && time.Now().Before(deadline) {
			time.Sleep(time.Second)
			after = openDescriptors(b, pid)
		}
		_, codeAfter := c.control("master", "-l")

		b.Logf("master pid %d: %d descriptors at rest; %d of %d connections opened to port %s", pid, base, opened, conns, port)
		b.Logf("during the flood: %d descriptors; cluster_control -l exit %d in %s; enrollment ok=%v in %s (%v)",
			during, code, controlTook.Round(time.Millisecond), enrolled, enrollTook.Round(time.Millisecond), err)
		b.Logf("after the idle bound (or 60 s): %d descriptors; cluster_control -l exit %d", after, codeAfter)
		b.ReportMetric(float64(during), "fds-during")
		b.ReportMetric(float64(after), "fds-after")
		b.ReportMetric(float64(code), "control-exit")
	}
}

// newE2EWithBinaries is newE2E with the binaries of dir when it is set.
func newE2EWithBinaries(b *testing.B, dir string) *e2eCluster {
	c := newE2E(b)
	if dir != "" {
		c.bin = dir
	}
	return c
}

// openDescriptors counts a process's open descriptors.
func openDescriptors(b *testing.B, pid int) int {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	must(b, err)
	return len(entries)
}

// floodPerHelper is how many connections one helper process holds, well under the usual
// per-process limits.
const floodPerHelper = 9000

// flood has helper processes open n idle connections to addr and hold them until the benchmark
// ends; it returns how many were opened.
func flood(b *testing.B, addr string, n int) int {
	opened := 0
	for n > 0 {
		count := min(n, floodPerHelper)
		n -= count
		cmd := exec.Command(os.Args[0], "-test.run=^TestFloodHelper$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("CLUSTERD_FLOOD_HELPER=%s,%d", addr, count))
		stdin, err := cmd.StdinPipe()
		must(b, err)
		stdout, err := cmd.StdoutPipe()
		must(b, err)
		must(b, cmd.Start())
		b.Cleanup(func() {
			stdin.Close()
			_ = cmd.Wait()
		})
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "opened "); ok {
				got, _ := strconv.Atoi(v)
				opened += got
				break
			}
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
	}
	return opened
}

// TestFloodHelper is BenchmarkIdleAgentFlood's helper process: it opens the connections
// CLUSTERD_FLOOD_HELPER asks for ("addr,count"), says how many it opened, and holds them until
// its standard input closes.
func TestFloodHelper(t *testing.T) {
	spec := os.Getenv("CLUSTERD_FLOOD_HELPER")
	if spec == "" {
		t.Skip("helper process of BenchmarkIdleAgentFlood")
	}
	addr, countText, _ := strings.Cut(spec, ",")
	count, _ := strconv.Atoi(countText)
	var conns []net.Conn
	d := net.Dialer{Timeout: 2 * time.Second}
	failures := 0
	for range count {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			// A master out of descriptors stops accepting: once its backlog is full, every
			// attempt times out.
			if failures++; failures == 5 {
				break
			}
			continue
		}
		failures = 0
		conns = append(conns, c)
	}
	fmt.Printf("opened %d\n", len(conns))
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}
