package remoted

import (
	"fmt"
	"sync"
	"testing"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// BenchmarkEvents: agents over TCP send events as fast as they can; the
// figure is events archived per second (the agents' frames are sealed
// beforehand so the server is what is measured).
func BenchmarkEvents(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			raw := func(i int) string { return fmt.Sprintf("%064x", i+1) }
			var keys []string
			for i := range n {
				keys = append(keys, fmt.Sprintf("%03d agent%d any %s", i+1, i+1, raw(i)))
			}
			home := testHome(b, keys...)
			cfg := testConfig(b, home)
			cfg.ArchiveQueue = 65536
			s := startServer(b, cfg, newFakeStore(), nil)

			per := b.N/n + 1
			agents := make([]*testAgent, n)
			streams := make([][]byte, n)
			for i := range n {
				a := newTestAgent(b, fmt.Sprintf("%03d", i+1), fmt.Sprintf("agent%d", i+1), "any", raw(i))
				one := agentproto.AppendFrame(nil, a.payload([]byte(
					"1:/var/log/syslog:Nov 21 10:00:00 host sshd[1234]: Accepted publickey for root from 10.0.2.2 port 50000 ssh2")))
				stream := make([]byte, 0, len(one)*per)
				for range per {
					stream = append(stream, one...)
				}
				agents[i], streams[i] = a.dialTCP(s.TCPAddr()), stream
			}
			want := uint64(per * n)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for i, a := range agents {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := a.conn.Write(streams[i]); err != nil {
						b.Error(err)
					}
				}()
			}
			wg.Wait()
			for s.Stats().EventsArchived < want {
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			b.ReportMetric(float64(want)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkKeepalive: one agent sends a keepalive and waits for its ack; the
// status worker records each one behind the ack.
func BenchmarkKeepalive(b *testing.B) {
	home := testHome(b, "001 vec-agent any "+key1)
	s := startServer(b, testConfig(b, home), newFakeStore(), nil)
	a := newTestAgent(b, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.handshake()
	msg := keepaliveText("x")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a.send(msg)
		if got := a.recv(); got != agentproto.AckMessage {
			b.Fatalf("answer %q", got)
		}
	}
}
