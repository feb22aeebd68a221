package nodetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// helloRaw connects a hand-driven worker and completes its hello.
func helloRaw(t testing.TB, c *nodetest.Cluster, name string) *nodetest.RawPeer {
	t.Helper()
	p := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
	if f := p.Call(messages.CmdHello, []byte(name+" wazuh worker 4.14.7")); f.Command != messages.CmdOK {
		t.Fatalf("hello: %s %q", f.Command, f.Payload)
	}
	return p
}

func permission(t *testing.T, p *nodetest.RawPeer) string {
	t.Helper()
	f := p.Call(messages.CmdSynIWMP, nil)
	if f.Command != messages.CmdOK {
		t.Fatalf("syn_i_w_m_p answered %s %q", f.Command, f.Payload)
	}
	return string(f.Payload)
}

// The master's permission rule and lock (§5.6.1): one grant per local-integrity cycle, none
// while a sync holds the lock, and the lock released as soon as the sync fails or the worker
// goes away.
func TestIntegrityPermissionAndLock(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: func(in *config.Internal) {
		in.Master.RecalculateIntegrity = time.Hour // one cycle for the whole test, unless rescanned
	}})
	kit := c.Master().Node().Kit()
	rescan := func() {
		kit.System.Root.Send(kit.System.NewLocalPID(actors.Path(actors.NameLocalIntegrity)), &actors.RescanIntegrity{})
	}
	p := helloRaw(t, c, "rawworker")
	// The master grants nothing before its first scan is known to the handler.
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			rescan()
			return fmt.Errorf("permission %s", got)
		}
		return nil
	})
	if got := permission(t, p); got != "False" {
		t.Fatalf("second ask in the same cycle: %s, want False", got)
	}

	// A new cycle allows one more ask; taking the lock (syn_i_w_m) then refuses the next cycle's.
	rescan()
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			return fmt.Errorf("permission %s in a new cycle", got)
		}
		return nil
	})
	f := p.Call(messages.CmdSynIWM, nil)
	if f.Command != messages.CmdOK || len(f.Payload) != 36 {
		t.Fatalf("syn_i_w_m answered %s %q, want a task id", f.Command, f.Payload)
	}
	task := string(f.Payload)
	rescan()
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "False" {
			return fmt.Errorf("permission %s while locked", got)
		}
		return nil
	})

	// The worker reports a failure: the lock is released at once (Wazuh keeps it up to 1000 s).
	exc := messages.EncodeException(messages.NewClusterError(3016, "test"))
	if f := p.Call(messages.CmdSynIWMR, append([]byte(task+" "), exc...)); f.Command != messages.CmdOK {
		t.Fatalf("syn_i_w_m_r answered %s %q", f.Command, f.Payload)
	}
	rescan()
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			rescan()
			return fmt.Errorf("permission %s after the failure", got)
		}
		return nil
	})

	// Locked again, then the worker disconnects: its reconnection finds the lock free.
	if f := p.Call(messages.CmdSynIWM, nil); f.Command != messages.CmdOK {
		t.Fatalf("syn_i_w_m answered %s", f.Command)
	}
	_ = p.Conn().Close()
	nodetest.Eventually(t, 5*time.Second, func() error {
		q := nodetest.DialRaw(t, c.Master().Node().ClusterAddr(), nodetest.Key)
		f := q.Call(messages.CmdHello, []byte("rawworker wazuh worker 4.14.7"))
		if f.Command != messages.CmdOK {
			return fmt.Errorf("hello after reconnect: %s", f.Payload)
		}
		p = q
		return nil
	})
	nodetest.Eventually(t, 5*time.Second, func() error {
		if got := permission(t, p); got != "True" {
			rescan()
			return fmt.Errorf("permission %s after reconnecting", got)
		}
		return nil
	})

	// A package announced for an unknown task is refused with 3027.
	f = p.Call(messages.CmdSynIWME, []byte("not-a-task queue/cluster/rawworker/x.zip"))
	if got := nodetest.WazuhCode(t, f); got != 3027 {
		t.Fatalf("syn_i_w_m_e for an unknown task: code %d", got)
	}
}

// A clusterd worker told of a change asks at once, often while its previous sync still holds
// the master's lock. That ask is refused, and Wazuh's rule counts it as the cycle's: the worker
// would then wait for sync_integrity with files the master changed. The master gives such a
// worker its ask back when the lock is released, and tells it to check (syn_m_i_now). A Wazuh
// worker keeps Wazuh's rule.
func TestIntegrityAskRefusedWhileLockedIsGivenBackToClusterdWorkers(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 0, Tune: func(in *config.Internal) {
		in.Master.RecalculateIntegrity = time.Hour
	}})
	m := c.Master()
	kit := m.Node().Kit()
	localIntegrity := kit.System.NewLocalPID(actors.Path(actors.NameLocalIntegrity))
	scans := func() int {
		res, err := kit.System.Root.RequestFuture(localIntegrity, &actors.IntegrityQuery{}, 5*time.Second).Result()
		if err != nil {
			t.Fatal(err)
		}
		q := res.(*actors.IntegrityQueryReply)
		if q.Running || q.Pending {
			return -1
		}
		return q.Scans
	}
	// newCycle changes a file on the master and waits for the scan that saw it.
	newCycle := func(i int) {
		t.Helper()
		before := scans()
		if err := m.WriteFile("etc/rules/local_rules.xml", fmt.Sprintf("<group name=\"n%d\"/>\n", i)); err != nil {
			t.Fatal(err)
		}
		nodetest.Eventually(t, 5*time.Second, func() error {
			if n := scans(); n <= before {
				return fmt.Errorf("%d scans, want more than %d", n, before)
			}
			return nil
		})
	}
	for _, tc := range []struct {
		name     string
		clusterd bool
	}{{"clusterd", true}, {"wazuh", false}} {
		t.Run(tc.name, func(t *testing.T) {
			p := helloRaw(t, c, tc.name+"worker")
			p.AnswerWith(nodetest.WazuhWorkerReply)
			if tc.clusterd {
				if f := p.Call(actors.CmdCapabilities, []byte(integrity.CapPackageS2)); f.Command != messages.CmdOK {
					t.Fatalf("cd_caps answered %s %q", f.Command, f.Payload)
				}
			}
			nodetest.Eventually(t, 5*time.Second, func() error {
				if got := permission(t, p); got != "True" {
					newCycle(0)
					return fmt.Errorf("permission %s", got)
				}
				return nil
			})
			f := p.Call(messages.CmdSynIWM, nil)
			if f.Command != messages.CmdOK {
				t.Fatalf("syn_i_w_m answered %s %q", f.Command, f.Payload)
			}
			task := string(f.Payload)
			// The master's files change while the lock is held; the worker's ask of the new
			// cycle is refused. Asked a few times, to be sure one ask falls in the new cycle.
			newCycle(1)
			for range 5 {
				if got := permission(t, p); got != "False" {
					t.Fatalf("permission %s while locked", got)
				}
			}
			exc := messages.EncodeException(messages.NewClusterError(3016, "test"))
			if f := p.Call(messages.CmdSynIWMR, append([]byte(task+" "), exc...)); f.Command != messages.CmdOK {
				t.Fatalf("syn_i_w_m_r answered %s %q", f.Command, f.Payload)
			}
			if !tc.clusterd {
				if got := permission(t, p); got != "False" {
					t.Fatalf("a Wazuh worker's second ask of a cycle: %s, want False as Wazuh answers", got)
				}
				return
			}
			if _, err := p.Await(func(f messages.Frame) bool { return f.Command == actors.CmdIntegrityNow }); err != nil {
				t.Fatalf("no %s after the lock was released: %v", actors.CmdIntegrityNow, err)
			}
			if got := permission(t, p); got != "True" {
				t.Fatalf("permission %s after the release, want True: the worker would miss the change", got)
			}
		})
	}
}
