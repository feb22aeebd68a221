package nodetest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// Slow peers (slowloris): connections that send nothing, that send a header and then stall, or
// that trickle a hello one byte every 50 ms so that it is never complete. Before its hello a
// connection has the hello deadline (min(20 s, timeout_cluster_request): 2 s in the test
// cluster) however it trickles. Forty of them from eight addresses are all closed within a
// bound; meanwhile the connected worker keeps its connection and a new worker still joins, and
// nothing of theirs stays behind.
func TestSlowPeersAreDroppedWhileWorkersKeepServing(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	addr := c.Master().Node().ClusterAddr()
	helloDeadline := c.Master().Node().Settings().HelloTimeout
	base := runtime.NumGoroutine()
	t0 := time.Now()

	stop := make(chan struct{})
	var trickling sync.WaitGroup
	stopTrickling := sync.OnceFunc(func() { close(stop); trickling.Wait() })
	defer stopTrickling()
	const peers = 40
	var slow []*nodetest.RawPeer
	for i := range peers {
		p := nodetest.DialRawFrom(t, hostileIP(i%8), addr, nodetest.Key)
		frame, err := wire.AppendMessage(nil, p.Cipher(), messages.Frame{Counter: 1, Command: messages.CmdHello,
			Payload: fmt.Appendf(nil, "slow%d wazuh worker 4.14.7", i)}, wire.RequestChunk)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 0: // says nothing at all
		case 1: // a header announcing the hello, then nothing
			if _, err := p.Conn().Write(frame[:wire.HeaderLen]); err != nil {
				t.Fatal(err)
			}
		case 2: // the hello, one byte at a time
			trickling.Add(1)
			go func() {
				defer trickling.Done()
				tick := time.NewTicker(50 * time.Millisecond)
				defer tick.Stop()
				for _, b := range frame {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
					if _, err := p.Conn().Write([]byte{b}); err != nil {
						return // closed by the master
					}
				}
			}()
		}
		slow = append(slow, p)
	}

	// While they hang on, a new worker joins and is served.
	late := helloRaw(t, c, "latecomer")
	if f := late.Call(messages.CmdEchoC, []byte("keepalive")); strings.TrimSpace(f.Command) != "ok-m" {
		t.Fatalf("echo-c of a worker that joined among slow peers: %s %q", f.Command, f.Payload)
	}

	bound := helloDeadline + 8*time.Second // generous on a loaded machine
	for i, p := range slow {
		if err := closedWithin(p.Conn(), bound-time.Since(t0)); err != nil {
			t.Fatalf("slow peer %d (kind %d), %s after the start: %v", i, i%3, time.Since(t0), err)
		}
	}
	t.Logf("%d slow peers closed within %s (hello deadline %s)", peers, time.Since(t0), helloDeadline)

	_ = late.Conn().Close()
	keptConnected(t, c, t0)
	stopTrickling()
	goroutinesBackTo(t, base, 10)
}
