package nodetest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

func TestHelloRejectionsInWazuhOrder(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	addr := c.Master().Node().ClusterAddr()

	cases := []struct {
		name  string
		hello string
		code  int
		extra string
	}{
		{"malformed", "worker9 wazuh", 1000, "not enough values to unpack (expected 4, got 2)"},
		{"invalid name", "bad.name wazuh worker 4.14.7", 3060, "bad.name"},
		{"path-like name", "../../etc wazuh worker 4.14.7", 3060, ""},
		{"duplicate while connected", "worker1 wazuh worker 4.14.7", 3028, "worker1"},
		{"named like the master", "master wazuh worker 4.14.7", 3029, ""},
		{"other cluster", "worker9 other worker 4.14.7", 3030, ""},
		{"other version", "worker9 wazuh worker 4.14.6", 3031, ""},
		// The name check comes before the cluster check: a bad name in a foreign cluster is 3060.
		{"bad name and other cluster", "bad.name other worker 4.14.6", 3060, ""},
		// A duplicate is reported before the cluster and version checks.
		{"duplicate from another cluster", "worker1 other worker 4.14.6", 3028, ""},
		// Names longer than a file name are refused as badly formed; the length comes before
		// everything else too.
		{"name longer than 255", strings.Repeat("a", 256) + " wazuh worker 4.14.7", 3060, strings.Repeat("a", 200)},
		{"long name and other cluster", strings.Repeat("b", 1000) + " other worker 4.14.6", 3060, ""},
		{"longest name accepted", strings.Repeat("c", 255) + " other worker 4.14.7", 3030, ""},
		// Only workers connect; Wazuh's own refusals keep their codes before this one.
		{"announces a master", "worker9 wazuh master 4.14.7", 3000, "node type master refused"},
		{"announces nothing", "worker9 wazuh  4.14.7", 3000, "only workers"},
		{"announces a master of another version", "worker9 wazuh master 4.14.6", 3031, ""},
		{"announces a master with a bad name", "bad.name wazuh master 4.14.7", 3060, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := nodetest.DialRaw(t, addr, nodetest.Key)
			f := p.Call(messages.CmdHello, []byte(tc.hello))
			if got := nodetest.WazuhCode(t, f); got != tc.code {
				t.Fatalf("hello %.60q: code %d, want %d (%.300s)", tc.hello, got, tc.code, f.Payload)
			}
			if tc.extra != "" && !strings.Contains(string(f.Payload), tc.extra) {
				t.Fatalf("hello %.60q: payload %s lacks %q", tc.hello, f.Payload, tc.extra)
			}
			if len(f.Payload) > 1024 {
				t.Fatalf("hello %.60q: a %d-byte answer echoes the peer's input whole", tc.hello, len(f.Payload))
			}
			if tc.code != 1000 {
				if err := p.ClosedByPeer(); err != nil {
					t.Fatalf("after a refused hello: %v", err)
				}
			}
		})
	}
	// The worker that was already connected is untouched by the impostors, and none of them is
	// listed.
	c.WaitConnected(5e9)
	if got, err := c.ConnectedWorkers(); err != nil || len(got) != 1 || got[0] != "worker1" {
		t.Fatalf("connected workers %q, %v", got, err)
	}
}

// TestHelloWithMegabyteNameIsRefusedAndNotLogged: a name of 100,000 letters or 20 MiB is
// refused (3060, or the connection cut by the bound on what a peer may send before its hello
// succeeded), never logged whole, and the master keeps serving its worker.
func TestHelloWithMegabyteNameIsRefusedAndNotLogged(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	master := c.Master()
	for _, n := range []int{100_000, 20 << 20} {
		p := nodetest.DialRaw(t, master.Node().ClusterAddr(), nodetest.Key)
		buf, err := wire.AppendMessage(nil, p.Cipher(), messages.Frame{Counter: 1, Command: messages.CmdHello,
			Payload: []byte(strings.Repeat("n", n) + " wazuh worker 4.14.7")}, wire.RequestChunk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Conn().Write(buf); err != nil {
			continue // cut while sending: refused
		}
		f, err := p.Read()
		if err != nil {
			continue // cut before answering: refused
		}
		if f.Command != messages.CmdErr {
			t.Fatalf("%d-byte name: answered %s (%d bytes)", n, f.Command, len(f.Payload))
		}
		if code := nodetest.WazuhCode(t, f); code != 3060 || len(f.Payload) > 1024 {
			t.Fatalf("%d-byte name: code %d, %d-byte answer", n, code, len(f.Payload))
		}
		if err := p.ClosedByPeer(); err != nil {
			t.Fatalf("%d-byte name: %v", n, err)
		}
	}
	c.WaitConnected(5e9)
	if got, err := c.ConnectedWorkers(); err != nil || len(got) != 1 || got[0] != "worker1" {
		t.Fatalf("connected workers: %d names, %v", len(got), err)
	}
	if l := master.LongestLogEntry(); l > 2048 {
		t.Fatalf("the master logged a %d-byte entry", l)
	}
}

func TestCommandsBeforeHelloAreRefused(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
	for _, cmd := range []string{messages.CmdEchoC, messages.CmdGetNodes, messages.CmdSynIWMP, messages.CmdNewFile} {
		f := p.Call(cmd, []byte("keepalive"))
		if f.Command != messages.CmdErr {
			t.Fatalf("%s before hello answered %s %q", cmd, f.Command, f.Payload)
		}
	}
	// After the refusals a proper hello still works, and then echo-c is answered with ok-m.
	f := p.Call(messages.CmdHello, []byte("worker7 wazuh worker 4.14.7"))
	if f.Command != messages.CmdOK || string(f.Payload) != "Client worker7 added" {
		t.Fatalf("hello answered %s %q", f.Command, f.Payload)
	}
	f = p.Call(messages.CmdEchoC, []byte("keepalive"))
	if strings.TrimSpace(f.Command) != "ok-m" || string(f.Payload) != "keepalive" {
		t.Fatalf("echo-c answered %q %q", f.Command, f.Payload)
	}
	f = p.Call("bogus", nil)
	if f.Command != messages.CmdErr || string(f.Payload) != "unknown command 'b'bogus''" {
		t.Fatalf("unknown command answered %s %q", f.Command, f.Payload)
	}
}

func TestWrongKeyIsDisconnected(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), strings.Repeat("x", 32))
	p.Send(messages.CmdHello, []byte("worker8 wazuh worker 4.14.7"))
	if err := p.ClosedByPeer(); err != nil {
		t.Fatalf("a peer with the wrong key: %v", err)
	}
}

// drainUntilClosed reads whatever the master sends until it closes the connection.
func drainUntilClosed(t *testing.T, p *nodetest.RawPeer, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if _, err := p.Read(); err != nil {
			return
		}
	}
	t.Fatalf("the connection is still open after %s", within)
}

// answerEchoes answers every echo-m the master sends on p, as a live worker does, until the
// connection closes.
func answerEchoes(p *nodetest.RawPeer) {
	for {
		f, err := p.ReadFrame()
		if err != nil {
			return
		}
		if f.Command != messages.CmdEchoM {
			continue
		}
		if err := p.Write(messages.Frame{Counter: f.Counter, Command: messages.CmdOKC, Payload: f.Payload}); err != nil {
			return
		}
	}
}

// A worker that reconnects while the master still holds its previous, silent connection
// (the master never saw it close) replaces it instead of being refused with 3028.
func TestReconnectingWorkerReplacesItsStaleSession(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	old := helloRaw(t, c, "rawworker") // from now on it answers nothing
	p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
	f := p.Call(messages.CmdHello, []byte("rawworker wazuh worker 4.14.7"))
	if f.Command != messages.CmdOK || string(f.Payload) != "Client rawworker added" {
		t.Fatalf("hello of the reconnecting worker answered %s %q", f.Command, f.Payload)
	}
	drainUntilClosed(t, old, 5*time.Second)
	if f := p.Call(messages.CmdEchoC, []byte("keepalive")); strings.TrimSpace(f.Command) != "ok-m" {
		t.Fatalf("echo-c on the new connection answered %s %q", f.Command, f.Payload)
	}
	// The master lists the worker, once: the old handler's end did not take the new one along.
	nodes, err := c.ConnectedWorkers()
	if err != nil || len(nodes) != 1 || nodes[0] != "rawworker" {
		t.Fatalf("connected workers %v (%v), want rawworker", nodes, err)
	}
}

// A second connection under the name of a worker whose connection answers is a true duplicate:
// refused with 3028, and the first connection is untouched.
func TestDuplicateOfALiveWorkerIsRefused(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0})
	old := helloRaw(t, c, "rawworker")
	done := make(chan struct{})
	go func() {
		defer close(done)
		answerEchoes(old)
	}()
	p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
	if got := nodetest.WazuhCode(t, p.Call(messages.CmdHello, []byte("rawworker wazuh worker 4.14.7"))); got != 3028 {
		t.Fatalf("duplicate of a live worker: code %d, want 3028", got)
	}
	nodes, err := c.ConnectedWorkers()
	if err != nil || len(nodes) != 1 || nodes[0] != "rawworker" {
		t.Fatalf("connected workers %v (%v), want the first rawworker", nodes, err)
	}
	_ = old.Conn().Close()
	<-done
}
