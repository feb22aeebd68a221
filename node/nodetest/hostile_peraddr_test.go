package nodetest_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// Ten connections from one address take all of that address's slots (§1.5: every further one
// is closed at once, "Too many connections from <ip>") and nothing else: the connected worker
// keeps its connection, a worker from another address joins meanwhile, and the address gets
// its slots back once the ten are gone.
func TestConnectionLimitPerAddressSparesOtherPeers(t *testing.T) {
	// A hello deadline far beyond the test's waits: only the limit can close a connection early.
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Communication.TimeoutClusterRequest = 30 * time.Second
	}})
	addr := c.Master().Node().ClusterAddr()
	base := runtime.NumGoroutine()
	t0 := time.Now()

	crowded := hostileIP(0)
	var ten []*nodetest.RawPeer
	for range 10 {
		p := nodetest.DialRawFrom(t, crowded, addr, nodetest.Key)
		// An answer proves the master accepted it and counts it.
		if f := p.Call(messages.CmdEchoC, []byte("keepalive")); f.Command != messages.CmdErr {
			t.Fatalf("echo-c before hello answered %s %q", f.Command, f.Payload)
		}
		ten = append(ten, p)
	}
	for i := range 5 {
		extra := nodetest.DialRawFrom(t, crowded, addr, nodetest.Key)
		if err := closedWithin(extra.Conn(), 5*time.Second); err != nil {
			t.Fatalf("connection %d from %s beyond the ten: %v", 11+i, crowded, err)
		}
	}

	neighbour := nodetest.DialRawFrom(t, hostileIP(1), addr, nodetest.Key)
	if f := neighbour.Call(messages.CmdHello, []byte("neighbour wazuh worker 4.14.7")); f.Command != messages.CmdOK {
		t.Fatalf("hello from another address: %s %q", f.Command, f.Payload)
	}
	keptConnected(t, c, t0)

	for _, p := range ten {
		_ = p.Conn().Close()
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		p := nodetest.DialRawFrom(t, crowded, addr, nodetest.Key)
		defer p.Conn().Close()
		p.Send(messages.CmdHello, []byte("returning wazuh worker 4.14.7"))
		f, err := p.Read()
		if err != nil {
			return fmt.Errorf("hello from %s after its ten closed: %w", crowded, err)
		}
		if f.Command != messages.CmdOK {
			return fmt.Errorf("hello from %s after its ten closed: %s %q", crowded, f.Command, f.Payload)
		}
		return nil
	})
	_ = neighbour.Conn().Close()
	goroutinesBackTo(t, base, 10)
}
