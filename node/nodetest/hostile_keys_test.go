package nodetest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// Peers without the cluster key (§2): frames sealed with another key, with a key one character
// off, or that are no Fernet token at all, and a worker that completes its hello and then
// switches keys. Wazuh fails such a frame with 3025 "Could not decrypt message" and the
// connection dies without an answer. Forty of them from eight addresses are each closed at
// their first undecryptable frame; the connected worker keeps its connection throughout, the
// intruder that had said hello is no longer listed, and nothing of theirs stays behind.
func TestWrongKeysAreDroppedWhileWorkersKeepServing(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	addr := c.Master().Node().ClusterAddr()
	base := runtime.NumGoroutine()
	t0 := time.Now()

	wrongKeys := []string{strings.Repeat("x", 32), nodetest.Key[:31] + "0", strings.ToUpper(nodetest.Key)}
	other, err := wire.NewCipher(wrongKeys[0])
	if err != nil {
		t.Fatal(err)
	}
	const peers = 40
	var switched []string
	for i := range peers {
		key := wrongKeys[i%len(wrongKeys)]
		kind := i % 4
		if kind == 2 || kind == 3 {
			key = nodetest.Key
		}
		p := nodetest.DialRawFrom(t, hostileIP(i%8), addr, key)
		switch kind {
		case 0: // a hello sealed with the wrong key
			p.Send(messages.CmdHello, fmt.Appendf(nil, "intruder%d wazuh worker 4.14.7", i))
		case 1: // a keepalive sealed with the wrong key
			p.Send(messages.CmdEchoC, []byte("keepalive"))
		case 2: // a frame whose payload is plaintext, not a token
			p.SetCipher(nil)
			p.Send(messages.CmdHello, fmt.Appendf(nil, "intruder%d wazuh worker 4.14.7", i))
		case 3: // a proper hello, then a frame sealed with another key
			name := fmt.Sprintf("switcher%d", i)
			if f := p.Call(messages.CmdHello, []byte(name+" wazuh worker 4.14.7")); f.Command != messages.CmdOK {
				t.Fatalf("hello of %s: %s %q", name, f.Command, f.Payload)
			}
			switched = append(switched, name)
			p.SetCipher(other)
			p.Send(messages.CmdEchoC, []byte("keepalive"))
		}
		if err := closedWithin(p.Conn(), 10*time.Second); err != nil {
			t.Fatalf("peer %d (kind %d): %v", i, kind, err)
		}
	}
	t.Logf("%d wrong-key peers closed in %s", peers, time.Since(t0))

	keptConnected(t, c, t0)
	nodetest.Eventually(t, 10*time.Second, func() error {
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		if strings.Join(got, ",") != "worker1" {
			return fmt.Errorf("connected workers %v, want only worker1 (the key switchers %v are gone)", got, switched)
		}
		return nil
	})
	goroutinesBackTo(t, base, 10)
}
