package wire

import (
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages"
)

// heapAfterGC is the live heap once the collector has run twice, which also empties the buffer
// pools of what no connection holds.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A master sends each worker big messages now and then (file pieces, full agent-groups copies)
// and small ones the rest of the time. Once the big ones are written, the connections must not
// keep buffers of their size: at rest the node holds what its peers' small traffic needs, whatever
// the number of peers.
func TestIdleConnectionsKeepNoBigWriteBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("moves tens of MiB")
	}
	defer goleak.VerifyNone(t)
	const conns = 8
	key, _ := NewCipher(vectorKey)
	payload := randomPayload(5<<20, 3) // seals to about 7 MiB: the 8 MiB pool class
	before := heapAfterGC()

	received := make(chan int, conns)
	var clients, servers []*Conn
	for range conns {
		clientNC, serverNC := tcpPair(t)
		server := NewConn(serverNC, ConnConfig{Cipher: key})
		server.Start(func(f messages.Frame) { received <- len(f.Payload) }, func(error) {})
		client := NewConn(clientNC, ConnConfig{Cipher: key})
		client.Start(ignoreFrames, func(error) {})
		clients, servers = append(clients, client), append(servers, server)
	}
	for _, c := range clients {
		if err := c.Send(messages.Frame{Counter: 1, Command: "file_upd", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	for range conns {
		select {
		case n := <-received:
			if n != len(payload) {
				t.Fatalf("received %d bytes, want %d", n, len(payload))
			}
		case <-time.After(connTestTimeout):
			t.Fatal("a big message was not received")
		}
	}
	// A small message afterwards: the writers are past their big write.
	for _, c := range clients {
		if err := c.Send(messages.Frame{Counter: 2, Command: "keepalive", Payload: []byte("ok")}); err != nil {
			t.Fatal(err)
		}
	}
	for range conns {
		select {
		case <-received:
		case <-time.After(connTestTimeout):
			t.Fatal("a small message was not received")
		}
	}

	held := int64(heapAfterGC()) - int64(before)
	// Kept per connection, the sealed pieces would be 8 × 8 MiB.
	if limit := int64(conns) * 2 << 20; held > limit {
		t.Errorf("%d idle connections hold %d MiB after big writes, want under %d MiB", conns, held>>20, limit>>20)
	}
	for _, c := range append(clients, servers...) {
		c.Close()
		waitDone(t, c)
	}
}
