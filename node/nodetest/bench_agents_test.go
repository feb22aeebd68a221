package nodetest_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/gossip"
	"github.com/clusterd/clusterd/node/nodetest"
)

// enrollClients is how many agents enroll at the same time in the throughput benchmarks.
const enrollClients = 16

// benchEnroll enrolls b.N agents against m, enrollClients at a time, and reports enrollments
// per second. Every enrollment is a full TLS handshake and request, as an agent makes it.
func benchEnroll(b *testing.B, m *nodetest.Member, prefix string) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, enrollClients)
	b.ResetTimer()
	start := time.Now()
	for range enrollClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				reply, err := m.Enroll(ctx, fmt.Sprintf("OSSEC A:'%s-%06d' V:'v4.14.7'", prefix, i))
				cancel()
				if err == nil && enrolledReply.FindStringSubmatch(reply) == nil {
					err = fmt.Errorf("reply %q", reply)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "enrollments/s")
}

// BenchmarkEnrollOnMaster: TLS enrollments answered by the master (store, client.keys).
func BenchmarkEnrollOnMaster(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 1, GossipTimers: &timers})
	benchEnroll(b, c.Master(), "bm")
}

// BenchmarkEnrollThroughWorker: TLS enrollments on a worker, forwarded to the master with
// sendsync and answered back.
func BenchmarkEnrollThroughWorker(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 1, GossipTimers: &timers})
	benchEnroll(b, c.Workers()[0], "bw")
}

// BenchmarkEnrollOnReplicatedMaster is BenchmarkEnrollOnMaster with three master-eligible
// nodes: every enrollment is committed through the replicated log (a majority has it on disk)
// and applied on the acting master before it is answered.
func BenchmarkEnrollOnReplicatedMaster(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Masters: 3, Workers: 1, GossipTimers: &timers})
	benchEnroll(b, c.Master(), "br")
}

// BenchmarkEnrollThroughWorkerReplicated is BenchmarkEnrollThroughWorker with three
// master-eligible nodes.
func BenchmarkEnrollThroughWorkerReplicated(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Masters: 3, Workers: 1, GossipTimers: &timers})
	benchEnroll(b, c.Members()[3], "brw")
}

// BenchmarkKeyOnEveryWorker measures the time from an enrollment on one worker to the new key
// being in client.keys and in the store of every other worker (three workers), with
// production integrity intervals: what makes it fast is the master's push, not a short timer.
func BenchmarkKeyOnEveryWorker(b *testing.B) {
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: 3, GossipTimers: &timers, Tune: productionIntegrityTimers})
	ws := c.Workers()
	var total time.Duration
	i := 0
	for b.Loop() {
		i++
		name := fmt.Sprintf("kp-%04d", i)
		start := time.Now()
		id := enrollB(b, ws[0], name)
		for _, w := range ws[1:] {
			// Polled every millisecond: the wait is what the benchmark times.
			poll.Every(time.Millisecond).Until(b, 30*time.Second, "the key on "+w.Name, func() bool {
				if !hasKeyLine(w.ClientKeys(), id, name) {
					return false
				}
				_, ok, _ := w.Node().Store().AgentByName(context.Background(), name)
				return ok
			})
		}
		total += time.Since(start)
	}
	b.ReportMetric(total.Seconds()/float64(i), "s/key")
}

// BenchmarkAgentGroupsBroadcast: 50,000 changed assignments on the master reach ten workers'
// stores (the master's global hash on every worker).
func BenchmarkAgentGroupsBroadcast(b *testing.B) {
	const agents, workers = 50000, 10
	timers := gossip.DefaultTimers()
	c := nodetest.Start(b, nodetest.Options{Workers: workers, GossipTimers: &timers})
	ctx := context.Background()
	st := c.Master().Node().Store()
	for i := range agents {
		if _, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: fmt.Sprintf("ag-%05d", i), IP: "any", Key: fmt.Sprintf("%064d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for _, g := range []string{"even", "odd"} {
		if err := st.CreateGroup(ctx, g); err != nil {
			b.Fatal(err)
		}
	}
	round := 0
	for b.Loop() {
		round++
		data := make([]wazuhdb.AgentGroups, agents)
		for i := range data {
			g := []string{"even"}
			if (i+round)%2 == 1 {
				g = []string{"odd"}
			}
			data[i] = wazuhdb.AgentGroups{ID: i + 1, Groups: g}
		}
		b.StopTimer()
		if err := st.SetAgentGroups(ctx, wazuhdb.ModeOverride, "syncreq", data); err != nil {
			b.Fatal(err)
		}
		want, _, err := st.GlobalGroupHash(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		kit := c.Master().Node().Kit()
		kit.System.Root.Send(kit.System.NewLocalPID(actors.Path(actors.NameLocalGroups)), &actors.GroupsChanged{})
		for _, w := range c.Workers() {
			poll.Every(time.Millisecond).Until(b, 5*time.Minute, "the global group hash on "+w.Name, func() bool {
				h, _, err := w.Node().Store().GlobalGroupHash(ctx)
				return err == nil && h == want
			})
		}
	}
}

func enrollB(b *testing.B, m *nodetest.Member, name string) string {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reply, err := m.Enroll(ctx, fmt.Sprintf("OSSEC A:'%s' V:'v4.14.7'", name))
	if err != nil {
		b.Fatal(err)
	}
	got := enrolledReply.FindStringSubmatch(reply)
	if got == nil {
		b.Fatalf("reply %q", reply)
	}
	return got[1]
}

// productionIntegrityTimers keeps Wazuh's integrity intervals (9 s check, 8 s rescan) so that
// only the master's push can make a key travel fast.
func productionIntegrityTimers(in *config.Internal) {
	def := config.DefaultInternal()
	in.Worker.SyncIntegrity = def.Worker.SyncIntegrity
	in.Master.RecalculateIntegrity = def.Master.RecalculateIntegrity
}
