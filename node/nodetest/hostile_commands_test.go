package nodetest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// fuzzFrames makes seeded random frames: the commands of §9 (answers and local-only ones
// included) and random names, with payloads that are empty, random bytes, or built from the
// pieces valid payloads are made of (task ids, queue paths with and without "..", sizes
// around the limits, JSON fragments).
type fuzzFrames struct {
	rng      *rand.Rand
	commands []string
}

func newFuzzFrames(seed uint64) *fuzzFrames {
	var names []string
	for name := range messages.Commands {
		names = append(names, name)
	}
	slices.Sort(names) // map order is random: the seed alone decides the frames
	return &fuzzFrames{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), commands: names}
}

var fuzzPieces = []string{
	"", " ", "None", "True", "-1", "0", "4294967296", "268435456", "268435457", "99999999999999999999",
	"3f1a2b4c-0000-4000-8000-000000000000", "queue/cluster/fuzzer/x.zip", "/queue/cluster/fuzzer/x.zip",
	"queue/cluster/fuzzer/../../../etc/client.keys", "/etc/client.keys", "../../../../tmp/x", "\x00",
	`{`, `}`, `[]`, `{"a": `, `{"chunks": {"syncreq": [{"id": "x"}]}}`, `null`, `"\ud800"`, "\xff\xfe",
	`{"__wazuh_exception__": {}}`, "fuzzer wazuh worker 4.14.7", "fuzzer wazuh master 4.14.7",
}

func (g *fuzzFrames) command() string {
	if g.rng.IntN(10) < 7 {
		return g.commands[g.rng.IntN(len(g.commands))]
	}
	b := make([]byte, 1+g.rng.IntN(wire.MaxCommandLen))
	for i := range b {
		b[i] = byte(0x21 + g.rng.IntN(0x7e-0x21))
	}
	return string(b)
}

func (g *fuzzFrames) payload() []byte {
	switch g.rng.IntN(4) {
	case 0:
		return nil
	case 1:
		b := make([]byte, g.rng.IntN(2048))
		for i := range b {
			b[i] = byte(g.rng.IntN(256))
		}
		return b
	default:
		var b []byte
		for range 1 + g.rng.IntN(4) {
			b = append(b, fuzzPieces[g.rng.IntN(len(fuzzPieces))]...)
			if g.rng.IntN(2) == 0 {
				b = append(b, ' ')
			}
		}
		return b
	}
}

// watchFailures records every actor failure (a panic, a supervisor stopping or restarting a
// child) of m from now until the test ends; the returned function tells how many and the first.
func watchFailures(t testing.TB, m *nodetest.Member) func() (int, string) {
	var mu sync.Mutex
	var n int
	var first string
	stream := m.Node().Kit().System.EventStream
	sub := stream.Subscribe(func(evt any) {
		if e, ok := evt.(*actor.SupervisorEvent); ok {
			mu.Lock()
			defer mu.Unlock()
			if n++; n == 1 {
				first = fmt.Sprintf("%s: %v (%v)", e.Child.Id, e.Reason, e.Directive)
			}
		}
	})
	t.Cleanup(func() { stream.Unsubscribe(sub) })
	return func() (int, string) {
		mu.Lock()
		defer mu.Unlock()
		return n, first
	}
}

// answersEcho sends echo-c and reads until its answer, skipping whatever else the master sends
// meanwhile (answers to earlier frames, its own requests).
func answersEcho(p *nodetest.RawPeer, probe string) error {
	f, err := p.Request(context.Background(), messages.CmdEchoC, []byte(probe))
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.Command) != "ok-m" || string(f.Payload) != probe {
		return fmt.Errorf("echo-c answered %q %q", f.Command, f.Payload)
	}
	return nil
}

// Fuzzed commands: seeded random frames, before a hello and after one, each followed by an
// echo-c that must still be answered on the same connection (or, when the master chose to close
// it, by a new connection whose hello is accepted). No actor of the master fails, the connected
// worker keeps its connection, the fuzzer's queue folder is removed when it leaves, and neither
// goroutines nor heap stay behind.
func TestFuzzedCommandsLeaveTheMasterServing(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	addr := c.Master().Node().ClusterAddr()
	base, heap := runtime.NumGoroutine(), heapInUse()
	t0 := time.Now()

	failures := watchFailures(t, c.Master())
	const seed, before, after = 8, 300, 2000
	g := newFuzzFrames(seed)

	// Before a hello only hello may be answered with anything but err; no frame may close the
	// connection except a refused hello.
	pre := nodetest.DialRawFrom(t, hostileIP(0), addr, nodetest.Key)
	for i := range before {
		cmd := g.command()
		if cmd == messages.CmdHello {
			continue
		}
		f := pre.Call(cmd, g.payload())
		if f.Command != messages.CmdErr {
			t.Fatalf("frame %d (%q) before hello answered %s %q", i, cmd, f.Command, f.Payload)
		}
	}
	_ = pre.Conn().Close()

	var p *nodetest.RawPeer
	var joins, closes int
	join := func() {
		joins++
		name := fmt.Sprintf("fuzzer%d", joins)
		nodetest.Eventually(t, 10*time.Second, func() error {
			q := nodetest.DialRawFrom(t, hostileIP(1), addr, nodetest.Key)
			q.Send(messages.CmdHello, []byte(name+" wazuh worker 4.14.7"))
			f, err := q.Read()
			if err != nil || f.Command != messages.CmdOK {
				_ = q.Conn().Close()
				return fmt.Errorf("hello of %s: %v %s %q", name, err, f.Command, f.Payload)
			}
			p = q
			return nil
		})
	}
	join()
	for i := range after {
		cmd, payload := g.command(), g.payload()
		counter := p.AdvanceCounter(1 + uint32(g.rng.IntN(3))) // now and then one an earlier frame had
		err := p.Write(messages.Frame{Counter: counter, Command: cmd, Payload: payload})
		if err == nil {
			err = answersEcho(p, fmt.Sprintf("probe%d", i))
		}
		if err != nil {
			t.Logf("frame %d (%q, %d bytes): the master closed the connection (%v)", i, cmd, len(payload), err)
			closes++
			_ = p.Conn().Close()
			join()
		}
	}
	t.Logf("seed %d: %d frames before hello, %d after, %d connections closed by the master, in %s",
		seed, before, after, closes, time.Since(t0))
	_ = p.Conn().Close()
	if n, first := failures(); n > 0 {
		t.Fatalf("%d actor failures on the master while fuzzed, the first: %s", n, first)
	}

	keptConnected(t, c, t0)
	nodetest.Eventually(t, 10*time.Second, func() error {
		left, _ := filepath.Glob(filepath.Join(c.Master().Home, "queue", "cluster", "fuzzer*"))
		if len(left) > 0 {
			return fmt.Errorf("queue folders of gone fuzzers: %v", left)
		}
		return nil
	})
	goroutinesBackTo(t, base, 10)
	heapBackTo(t, heap, 32<<20)
}
