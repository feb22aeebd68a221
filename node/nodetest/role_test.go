package nodetest_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/wire"
)

// roleLeftovers reports what a stopped role subtree left on a node: actors under its path, and
// goroutines or connections of the node's actors beyond the local clients' connections still
// open (the actors every node has keep none while idle).
func roleLeftovers(kit *actors.Kit, role actors.Role, localConns int) error {
	prefix := actors.RoleSupervisorPath(role)
	for _, p := range kit.Registry.Paths() {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return fmt.Errorf("%s still runs", p)
		}
	}
	if n := kit.Running() - localConns; n != 0 {
		return fmt.Errorf("%d goroutines of the actors still run", n)
	}
	return nil
}

// localLoad asks a node's local socket for its nodes without pause, as cluster_control and
// the API would, until stop is called; it returns once a first request was answered.
func localLoad(t *testing.T, m *nodetest.Member) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var answered atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for ctx.Err() == nil {
				// Without a role the node answers too: a worker not connected to a master.
				var werr *messages.WazuhError
				if _, err := m.Client().Do(ctx, messages.CmdGetNodes, nil); err == nil || errors.As(err, &werr) {
					answered.Add(1)
				}
			}
		})
	}
	stop = func() {
		cancel()
		wg.Wait()
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if answered.Load() == 0 {
			return errors.New("no local request answered yet")
		}
		return nil
	})
	return stop
}

// The master's role subtree, stopped and started again while workers sync and local clients
// ask, leaves no actor and no goroutine behind, and the node works again: the workers
// reconnect and cluster_control lists them.
func TestRoleSubtreeStopsAndStartsAgainUnderLoad(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	m := c.Master()
	kit, tree := m.Node().Kit(), m.Node().Tree()
	cluster := m.Node().ClusterAddr()
	for round := range 3 {
		stopLoad := localLoad(t, m)
		if err := tree.StopRole(time.Minute); err != nil {
			t.Fatalf("round %d: stop the master role: %v", round, err)
		}
		if kit.Directory.Role() != actors.RoleNone {
			t.Fatalf("round %d: the directory still names the %s role", round, kit.Directory.Role())
		}
		stopLoad()
		nodetest.Eventually(t, 10*time.Second, func() error { return roleLeftovers(kit, actors.RoleMaster, 0) })

		stopLoad = localLoad(t, m)
		sock, err := actors.ListenTCP(cluster.String(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.StartRole(actors.RoleMaster, sock, time.Minute); err != nil {
			t.Fatalf("round %d: start the master role: %v", round, err)
		}
		c.WaitConnectedFor(t, 30*time.Second)
		stopLoad()
	}
	out := clusterControl(t, m, "-l")
	for _, name := range []string{"master", "worker1", "worker2"} {
		if !strings.Contains(out, name) {
			t.Fatalf("cluster_control -l lacks %s:\n%s", name, out)
		}
	}
}

// localExchange sends one request on an open connection to a local socket and reads the answer.
func localExchange(t *testing.T, conn net.Conn, r *wire.Reader, counter uint32, command string, payload []byte) messages.Frame {
	t.Helper()
	frame, err := wire.AppendMessage(nil, nil, messages.Frame{Counter: counter, Command: command, Payload: payload}, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(frame); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	resp, err := r.ReadFrame()
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return resp
}

// A worker's node switches to the master role at run time: the worker subtree stops (the
// master drops the worker), the master subtree starts on the node's own cluster socket, and the
// local socket serves throughout, on a connection opened before the switch. This is the
// mechanism failover builds on; nothing decides here who should be master.
func TestWorkerSwitchesToTheMasterRole(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	w := c.Workers()[0]
	kit, tree := w.Node().Kit(), w.Node().Tree()

	conn, err := net.Dial("unix", w.Node().Settings().LocalSocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := wire.NewReader(conn, nil, wire.ReaderLimits{})
	if resp := localExchange(t, conn, r, 1, messages.CmdEchoC, []byte("before")); string(resp.Payload) != "before" {
		t.Fatalf("echo before the switch: %s %q", resp.Command, resp.Payload)
	}

	if err := tree.StopRole(time.Minute); err != nil {
		t.Fatalf("stop the worker role: %v", err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if got, err := c.ConnectedWorkers(); err != nil || len(got) != 0 {
			return fmt.Errorf("the master lists %v (%v)", got, err)
		}
		return roleLeftovers(kit, actors.RoleWorker, 1) // the connection opened above
	})
	// With no role, a request for the master is refused as on a worker without one.
	if _, err := actors.Forward(context.Background(), kit, []byte(`{"daemon_name":"authd","message":{}}`)); !errors.Is(err, actors.ErrMasterUnreachable) {
		t.Fatalf("sendsync with no role: %v", err)
	}

	sock, err := actors.ListenTCP(net.JoinHostPort(w.IP, "0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.StartRole(actors.RoleMaster, sock, time.Minute); err != nil {
		t.Fatalf("start the master role: %v", err)
	}
	if err := tree.StartRole(actors.RoleWorker, nil, time.Minute); !errors.Is(err, actors.ErrRoleRunning) {
		t.Fatalf("a second role started: %v", err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		for _, name := range []string{actors.NamePeers, actors.NameListener, actors.NameLocalIntegrity, actors.NameGroupsSend} {
			if !kit.Registry.Lookup(actors.Path(name)) {
				return fmt.Errorf("%s is not running", actors.Path(name))
			}
		}
		return nil
	})

	if resp := localExchange(t, conn, r, 2, messages.CmdEchoC, []byte("after")); string(resp.Payload) != "after" {
		t.Fatalf("echo after the switch: %s %q", resp.Command, resp.Payload)
	}
	// The node now answers node queries itself, as a master: it lists itself as the master.
	resp := localExchange(t, conn, r, 3, messages.CmdGetNodes, nil)
	if resp.Command != messages.CmdOK || !strings.Contains(string(resp.Payload), `"name": "`+w.Name+`", "type": "master"`) {
		t.Fatalf("get_nodes after the switch: %s %s", resp.Command, resp.Payload)
	}
}

// BenchmarkMasterRoleRestart measures a change of role as failover will make it, in-process:
// the master subtree stopped (graceful drain), started again, and both workers connected again
// (test timers: connection_retry 0.3 s). stop-ms/op and start-µs/op are the two role requests.
func BenchmarkMasterRoleRestart(b *testing.B) {
	c := nodetest.Start(b, nodetest.Options{Workers: 2})
	m := c.Master()
	tree, cluster := m.Node().Tree(), m.Node().ClusterAddr()
	var stopping, starting time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := tree.StopRole(time.Minute); err != nil {
			b.Fatal(err)
		}
		stopping += time.Since(start)
		start = time.Now()
		sock, err := actors.ListenTCP(cluster.String(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := tree.StartRole(actors.RoleMaster, sock, time.Minute); err != nil {
			b.Fatal(err)
		}
		starting += time.Since(start)
		c.WaitConnectedFor(b, 30*time.Second)
	}
	b.ReportMetric(float64(stopping.Milliseconds())/float64(b.N), "stop-ms/op")
	b.ReportMetric(float64(starting.Microseconds())/float64(b.N), "start-µs/op")
}
