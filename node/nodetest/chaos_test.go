package nodetest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/nodetest"
)

// killable lists the long-lived actors of a node: everything but the root and the short-lived
// per-connection actors of the local sockets and of the listener.
func killable(m *nodetest.Member) []string {
	var out []string
	for _, p := range m.Node().Kit().Registry.Paths() {
		rel := strings.TrimPrefix(p, actors.RootName+"/")
		switch {
		case p == actors.RootName:
		case strings.HasPrefix(rel, actors.NameLocal+"/"), strings.HasPrefix(rel, actors.NameStats+"/"),
			strings.HasPrefix(p, actors.Path(actors.NameListener)+"/"):
		default:
			out = append(out, p)
		}
	}
	return out
}

func TestChaosKillEveryActor(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos episodes take a while")
	}
	c := nodetest.Start(t, nodetest.Options{Workers: 2, FaultSeed: 42})
	for _, mode := range []string{actors.KillStop, actors.KillPanic} {
		for _, m := range c.Members() {
			for _, path := range killable(m) {
				t.Run(fmt.Sprintf("%s/%s/%s", mode, m.Name, path), func(t *testing.T) {
					kit := m.Node().Kit()
					// A handler exists only while its worker is connected; wait for it.
					nodetest.Eventually(t, 10*time.Second, func() error {
						if _, ok := infoOf(kit, path); !ok {
							return fmt.Errorf("%s is not running", path)
						}
						return nil
					})
					before, _ := infoOf(kit, path)
					killed := time.Now()
					if err := kill(m, path, mode); err != nil {
						t.Fatal(err)
					}
					// A new instance runs under the same path after the kill and the cluster is
					// whole again. A handler is not restarted in place: it closes its connection
					// and a fresh one is spawned when the worker reconnects.
					nodetest.Eventually(t, 10*time.Second, func() error {
						now, ok := infoOf(kit, path)
						switch {
						case !ok || now.State != actors.StateRunning:
							return fmt.Errorf("%s is not back", path)
						case time.Duration(now.UptimeSeconds*float64(time.Second)) > time.Since(killed):
							return fmt.Errorf("%s has not been restarted yet", path)
						case isHandler(path) && now.Incarnations <= before.Incarnations:
							return fmt.Errorf("no new handler at %s yet", path)
						case !isHandler(path) && now.Restarts <= before.Restarts:
							return fmt.Errorf("restart of %s not counted", path)
						}
						return nil
					})
					c.WaitConnectedFor(t, 10*time.Second)
				})
			}
		}
	}
	// cluster_control -l is right afterwards, from the master and relayed by a worker.
	for _, m := range []*nodetest.Member{c.Master(), c.Workers()[0]} {
		out := clusterControl(t, m, "-l")
		for _, name := range []string{"master", "worker1", "worker2"} {
			if !strings.Contains(out, name) {
				t.Fatalf("cluster_control -l on %s lacks %s:\n%s", m.Name, name, out)
			}
		}
	}
}

func isHandler(path string) bool {
	return strings.HasPrefix(path, actors.Path(actors.NamePeers)+"/")
}

// infoOf returns what the registry shows for the running actor at path.
func infoOf(kit *actors.Kit, path string) (messages.ActorInfo, bool) {
	for _, a := range kit.Registry.Snapshot() {
		if a.Path == path {
			return a, true
		}
	}
	return messages.ActorInfo{}, false
}

func uptimeOf(kit *actors.Kit, path string) (time.Duration, bool) {
	a, ok := infoOf(kit, path)
	return time.Duration(a.UptimeSeconds * float64(time.Second)), ok
}
