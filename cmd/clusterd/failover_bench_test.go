package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
	"github.com/clusterd/clusterd/node/tool/agentsim"
)

// BenchmarkFailoverKill9 is the failover measurement: three real node processes, 2,000
// simulated agents sending 10 events/s each (half report to worker1 first, half to worker2),
// then kill -9 of worker1. It reports how long its agents took to be acknowledged by another
// node, how long until the master shows none of them on worker1, and how many events the agents
// sent that no node archived (those in flight on the dead connections or not yet written by the
// dead node: the agent cannot know about them). Run it alone: it uses both cores.
//
//	go test -run '^$' -bench FailoverKill9 -benchtime 1x ./cmd/clusterd/
func BenchmarkFailoverKill9(b *testing.B) {
	if testing.Short() {
		b.Skip("three processes and 2,000 agents")
	}
	const agents, eps = 2000, 10
	for b.Loop() {
		c := newE2E(b)
		for _, n := range []string{"master", "worker1", "worker2"} {
			c.start(n)
		}
		c.waitWorkers(30*time.Second, "worker1", "worker2")
		addr := func(name string, port int) string { return fmt.Sprintf("%s:%d", c.procs[name].ip, port) }

		enroller, err := agentsim.New(agentsim.Config{
			Servers:     []string{addr("master", 1514)},
			EnrollAddrs: []string{addr("master", 1515), addr("worker1", 1515), addr("worker2", 1515)},
			Agents:      agents, NamePrefix: "fo", Version: "v4.14.7", EnrollConcurrency: 16,
		})
		must(b, err)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		must(b, enroller.Enroll(ctx))
		cancel()
		keys := enroller.Keys()
		for _, n := range []string{"worker1", "worker2"} {
			poll.Until(b, 2*time.Minute, n+" holding every key", func() bool { return countLines(filepath.Join(c.procs[n].home, "etc", "client.keys")) >= agents })
		}
		sim := func(keys []agentproto.Key, servers ...string) *agentsim.Sim {
			s, err := agentsim.New(agentsim.Config{
				Servers: servers, Keys: keys, Agents: len(keys), Version: "v4.14.7",
				NotifyTime: 10 * time.Second, TimeReconnect: 30 * time.Second, RetryInterval: time.Second, MaxRetries: 2,
				EventsPerSecond: eps, BufferSize: 5000, ConnectConcurrency: 64,
			})
			must(b, err)
			return s
		}
		half := len(keys) / 2
		simA := sim(keys[:half], addr("worker1", 1514), addr("worker2", 1514), addr("master", 1514))
		simB := sim(keys[half:], addr("worker2", 1514), addr("worker1", 1514), addr("master", 1514))
		must(b, simA.Start(context.Background()))
		must(b, simB.Start(context.Background()))
		poll.Until(b, 2*time.Minute, "every agent connected", func() bool { return simA.Report().Connected+simB.Report().Connected == agents })
		// Steady state (the master sees the agents where they report), then the kill.
		poll.Until(b, 2*time.Minute, "the master seeing the agents where they report", func() bool { return c.activeOn("worker1") == half && c.activeOn("worker2") == agents-half })
		time.Sleep(10 * time.Second)
		killed := time.Now()
		c.signal("worker1", syscall.SIGKILL)
		poll.Until(b, 5*time.Minute, "the master seeing worker1's agents elsewhere", func() bool { return c.activeOn("worker1") == 0 && c.activeOn("worker2")+c.activeOn("master") == agents })
		masterView := time.Since(killed)
		time.Sleep(10 * time.Second)
		simA.Stop()
		simB.Stop()
		repA, repB := simA.Report(), simB.Report()
		c.stopAll() // SIGTERM: the live nodes flush their archives
		sent := repA.EventsSent + repB.EventsSent
		archived := 0
		for _, n := range []string{"master", "worker1", "worker2"} {
			archived += countMatching(filepath.Join(c.procs[n].home, "logs", "archives", "archives.log"), "->/var/log/sim.log:")
		}
		times := append(repA.FailoverTimes, repB.FailoverTimes...)
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		if len(times) == 0 {
			b.Fatalf("no failover recorded: %+v", repA)
		}
		var sum time.Duration
		for _, d := range times {
			sum += d
		}
		b.ReportMetric(sum.Seconds()/float64(len(times)), "failover-mean-s")
		b.ReportMetric(times[len(times)*99/100].Seconds(), "failover-p99-s")
		b.ReportMetric(masterView.Seconds(), "master-view-s")
		b.ReportMetric(float64(sent), "events-sent")
		b.ReportMetric(float64(archived), "events-archived")
		b.ReportMetric(float64(sent-int64(archived)), "events-lost-in-flight")
		b.ReportMetric(float64(repA.EventsDroppedBufferFull+repB.EventsDroppedBufferFull), "events-dropped-buffer-full")
		b.Logf("agents on worker1 failed over: %d; sent %d, archived %d", len(times), sent, archived)
	}
}

// activeOn counts the simulated agents the master lists as active on node (cluster_control -a).
func (c *e2eCluster) activeOn(node string) int {
	out, code := c.control("master", "-a")
	if code != 0 {
		return -1
	}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.HasPrefix(f[1], "fo-") && f[3] == "active" && f[len(f)-1] == node {
			n++
		}
	}
	return n
}

func countLines(path string) int {
	return countMatching(path, "")
}

func countMatching(path, substr string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && strings.Contains(line, substr) {
			n++
		}
	}
	return n
}
