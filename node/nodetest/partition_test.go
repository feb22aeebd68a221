package nodetest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/nodetest"
)

// A worker cut off from the rest of the cluster, with every process still running, is dropped
// by the master and sees the master gone, over the cluster protocol and in memberlist alike,
// while the other worker keeps its connection; once the network heals it connects again and
// catches up with what changed on the master meanwhile. Without memberlist, as between Wazuh
// nodes, the keepalives alone find the cut.
func TestPartitionedWorkerIsDroppedAndRejoins(t *testing.T) {
	t.Run("memberlist", func(t *testing.T) { partitionedWorkerRejoins(t, true) })
	t.Run("keepalives only", func(t *testing.T) { partitionedWorkerRejoins(t, false) })
}

func partitionedWorkerRejoins(t *testing.T, gossip bool) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, NoGossip: !gossip})
	master, w1, w2 := c.Master(), c.Workers()[0], c.Workers()[1]
	kit := master.Node().Kit()
	t0 := time.Now()

	c.Isolate(w1)
	t.Logf("%s cut off", w1.Name)
	nodetest.Eventually(t, 30*time.Second, func() error {
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		if !slices.Equal(got, []string{w2.Name}) {
			return fmt.Errorf("the master lists %v", got)
		}
		if ok, err := w1.WorkerConnected(); err != nil || ok {
			return fmt.Errorf("%s still sees itself connected (%v)", w1.Name, err)
		}
		if gossip && (gossipAlive(master, w1.Name) || gossipAlive(w1, master.Name)) {
			return fmt.Errorf("memberlist still joins %s and %s", master.Name, w1.Name)
		}
		return nil
	})
	// The change worker1 must catch up with.
	if err := master.WriteFile("etc/shared/default/partition.conf", "written during the partition\n"); err != nil {
		t.Fatal(err)
	}
	if up, ok := uptimeOf(kit, actors.Path(actors.NamePeers)+"/"+w2.Name); !ok || up < time.Since(t0) {
		t.Fatalf("%s lost its connection during the partition (handler present %v, up %s)", w2.Name, ok, up)
	}

	t.Logf("%s cut off for %s; healing", w1.Name, time.Since(t0).Round(time.Millisecond))
	c.Heal()
	c.WaitConnected(30 * time.Second)
	nodetest.Eventually(t, 30*time.Second, func() error {
		if gossip && (!gossipAlive(master, w1.Name) || !gossipAlive(w1, master.Name)) {
			return fmt.Errorf("memberlist has not joined %s and %s again", master.Name, w1.Name)
		}
		return nodetest.SameFiles(master.Home, w1.Home, true)
	})
	if up, ok := uptimeOf(kit, actors.Path(actors.NamePeers)+"/"+w2.Name); !ok || up < time.Since(t0) {
		t.Fatalf("%s lost its connection (handler present %v, up %s)", w2.Name, ok, up)
	}
	if !strings.Contains(clusterControl(t, master, "-l"), w1.Name) {
		t.Fatalf("cluster_control -l does not list %s after the heal", w1.Name)
	}
}

// Two partitions add up, and a member may be cut from some members only: the master keeps the
// worker it was not cut from.
func TestPartitionsAddUpAndHealTogether(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 3})
	master, ws := c.Master(), c.Workers()
	c.Partition([]*nodetest.Member{ws[0]}, []*nodetest.Member{master})
	c.Partition([]*nodetest.Member{master}, []*nodetest.Member{ws[1]})
	nodetest.Eventually(t, 30*time.Second, func() error {
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		if !slices.Equal(got, []string{ws[2].Name}) {
			return fmt.Errorf("the master lists %v", got)
		}
		return nil
	})
	c.Heal()
	c.WaitConnected(30 * time.Second)
}

// gossipAlive reports whether m's memberlist holds name alive.
func gossipAlive(m *nodetest.Member, name string) bool {
	for _, g := range m.Node().Gossip().Members() {
		if g.Name == name {
			return g.Alive
		}
	}
	return false
}
