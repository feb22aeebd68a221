package nodetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// replacedSince waits until the actor at path on m is an instance started after t0.
func replacedSince(t *testing.T, m *nodetest.Member, path string, t0 time.Time, within time.Duration) time.Duration {
	t.Helper()
	// The master's handler may register a moment after the cluster reports the worker
	// connected: take its incarnation first, and count a new one as the replacement (its
	// uptime alone would call a handler started after t0 replaced).
	var first int
	nodetest.Eventually(t, within, func() error {
		a, ok := infoOf(m.Node().Kit(), path)
		if !ok {
			return fmt.Errorf("no %s on %s", path, m.Name)
		}
		first = a.Incarnations
		return nil
	})
	nodetest.Eventually(t, within, func() error {
		if a, ok := infoOf(m.Node().Kit(), path); !ok || a.Incarnations == first {
			return fmt.Errorf("%s on %s not replaced yet", path, m.Name)
		}
		return nil
	})
	return time.Since(t0)
}

// A worker that vanishes from memberlist and stops answering on its still open TCP connection
// (a host powered off, a partition) has its connection closed by the master once its liveness
// probe goes unanswered, long before keepalives would tell.
func TestMasterClosesConnectionOfWorkerGoneFromMemberlist(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		// Keepalives alone would take minutes here: only memberlist can be the reason.
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
	}})
	w := c.Workers()[0]
	handler := actors.Path(actors.NamePeers) + "/" + w.Name
	t0 := time.Now()
	// The master's handler hears nothing more from the worker: the probe goes unanswered and
	// no other frame (a keepalive, agent-info) answers it, as from a vanished host.
	faults := c.Master().Node().Kit().Faults
	faults.Set(handler, actors.Fault{DropProbability: 1, MessageType: "*actors.inboundFrame"})
	if err := w.Node().Gossip().Shutdown(); err != nil {
		t.Fatal(err)
	}
	took := replacedSince(t, c.Master(), handler, t0, 5*time.Second)
	faults.ClearAll()
	if !c.Master().Logged("No answer to a liveness probe") {
		t.Fatal("the connection was closed, but not for its unanswered probe")
	}
	t.Logf("connection closed and worker back %s after it left memberlist", took)
}

// Without memberlist (as with a Wazuh peer) the master still drops a worker that stops
// sending keepalives, and the worker reconnects.
func TestMasterDropsSilentWorkerWithoutMemberlist(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, NoGossip: true})
	w := c.Workers()[0]
	// The worker's keepalive actor swallows its ticks: no echo-c reaches the master.
	w.Node().Kit().Faults.Set(actors.Path(actors.NameKeepalive), actors.Fault{DropProbability: 1, MessageType: "*actors.keepaliveTick"})
	t0 := time.Now()
	handler := actors.Path(actors.NamePeers) + "/" + w.Name
	took := replacedSince(t, c.Master(), handler, t0, 10*time.Second)
	w.Node().Kit().Faults.ClearAll()
	// max_allowed_time_without_keepalive is 2 s in the test cluster; the check runs every 0.3 s.
	if took < 2*time.Second {
		t.Fatalf("worker dropped after %s, before max_allowed_time_without_keepalive", took)
	}
	c.WaitConnected(5 * time.Second)
}

// Without memberlist a worker whose keepalives go unanswered gives up after
// max_failed_keepalive_attempts and reconnects.
func TestWorkerReconnectsAfterFailedKeepalives(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, NoGossip: true, Tune: func(in *config.Internal) {
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
		in.Communication.TimeoutClusterRequest = 500 * time.Millisecond
	}})
	w := c.Workers()[0]
	handler := actors.Path(actors.NamePeers) + "/" + w.Name
	// The master's handler for this worker ignores every frame the worker sends (echo-c
	// included), so the worker's keepalives time out.
	faults := c.Master().Node().Kit().Faults
	faults.Set(handler, actors.Fault{DropProbability: 1, MessageType: "*actors.inboundFrame"})
	t0 := time.Now()
	took := replacedSince(t, c.Master(), handler, t0, 10*time.Second)
	faults.ClearAll()
	t.Logf("worker reconnected %s after its keepalives stopped being answered", took)
	c.WaitConnected(5 * time.Second)
}

// When gossip loses a node whose cluster connection still answers (a busy host whose UDP
// probes time out), neither side closes the connection: each probes it over TCP first.
func TestLiveConnectionSurvivesGossipLoss(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Master.MaxAllowedTimeWithoutKeepalive = time.Hour
	}})
	w := c.Workers()[0]
	t0 := time.Now()
	// The master's memberlist goes away: the worker hears the master is gone, the master
	// (its own gossip stopped) that the worker is; the TCP connection is untouched.
	if err := c.Master().Node().Gossip().Shutdown(); err != nil {
		t.Fatal(err)
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if up := handlerUptime(t, c, w.Name); up < time.Since(t0) {
			t.Fatalf("the connection was closed on gossip alone (handler up for %s)", up)
		}
		if !w.Logged("The connection answers its liveness probe (memberlist reports the master as gone)") {
			return fmt.Errorf("the worker has not probed its connection yet")
		}
		return nil
	})
	// Well past a few keepalives and probes, the same connection still serves.
	nodetest.Eventually(t, 10*time.Second, func() error {
		if up := handlerUptime(t, c, w.Name); up < time.Since(t0) {
			t.Fatalf("the connection was closed on gossip alone (handler up for %s)", up)
		}
		if time.Since(t0) < 2*time.Second {
			return fmt.Errorf("watched for %s only", time.Since(t0))
		}
		return nil
	})
	c.WaitConnected(5 * time.Second)
}
