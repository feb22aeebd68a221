package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// BenchmarkNodeWith10kAgents measures what 10,000 connected agents with 20 s keepalives cost
// one node process (a master with its agent listener; the simulated agents run in the
// benchmark's process): CPU over a minute of steady state, and resident memory. With
// CLUSTERD_CPU_PROFILE=FILE the node's CPU profile of that minute is written to FILE.
//
//	go test -run '^$' -bench NodeWith10kAgents -benchtime 1x ./cmd/clusterd/
func BenchmarkNodeWith10kAgents(b *testing.B) {
	if testing.Short() {
		b.Skip("10,000 agents")
	}
	const agents = 10000
	for b.Loop() {
		c := newE2E(b)
		profilePath := os.Getenv("CLUSTERD_CPU_PROFILE")
		profileAddr := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(b, "127.0.0.1"))
		if profilePath != "" {
			c.start("master", "--pprof", profileAddr)
		} else {
			c.start("master")
		}
		addr := func(port int) string { return fmt.Sprintf("%s:%d", c.procs["master"].ip, port) }
		sim, err := agentsim.New(agentsim.Config{
			Servers: []string{addr(1514)}, EnrollAddrs: []string{addr(1515)}, Agents: agents, NamePrefix: "load",
			Version: "v4.14.7", NotifyTime: 20 * time.Second, TimeReconnect: 60 * time.Second,
			RetryInterval: time.Second, MaxRetries: 5, EnrollConcurrency: 16, ConnectConcurrency: 128,
		})
		must(b, err)
		poll.Until(b, 30*time.Second, "the master answering cluster_control -l", func() bool {
			out, code := c.control("master", "-l")
			return code == 0 && strings.Contains(out, "master")
		})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		must(b, sim.Enroll(ctx))
		cancel()
		must(b, sim.Start(context.Background()))
		poll.Until(b, 5*time.Minute, "every agent connected", func() bool { return sim.Report().Connected == agents })
		pid := c.procs["master"].cmd.Process.Pid
		// Let the first keepalives of every agent pass, then measure a minute.
		time.Sleep(25 * time.Second)
		cpu0, at0 := cpuSeconds(b, pid), time.Now()
		if profilePath != "" {
			fetchCPUProfile(b, profileAddr, 60*time.Second, profilePath)
		} else {
			time.Sleep(60 * time.Second)
		}
		cpu1, at1 := cpuSeconds(b, pid), time.Now()
		rss := rssBytes(b, pid)
		sim.Stop()
		b.ReportMetric((cpu1-cpu0)/at1.Sub(at0).Seconds()*100, "cpu-%")
		b.ReportMetric(float64(rss)/(1<<20), "rss-MiB")
		b.ReportMetric(float64(rss)/agents, "rss-B/agent")
	}
}

// cpuSeconds reads a process's user+system CPU time from /proc.
func cpuSeconds(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	must(b, err)
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // USER_HZ
}

// rssBytes reads a process's resident set size from /proc.
func rssBytes(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	must(b, err)
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fetchCPUProfile takes a CPU profile of the node for d and writes it to path.
func fetchCPUProfile(b *testing.B, addr string, d time.Duration, path string) {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(d.Seconds())))
	must(b, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("profile: %s", resp.Status)
	}
	out, err := os.Create(path)
	must(b, err)
	_, err = io.Copy(out, resp.Body)
	must(b, errors.Join(err, out.Close()))
}
