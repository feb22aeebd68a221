package nodetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
)

// killRoleActor kills one actor of a role subtree of a running master-eligible member other
// than skip, picked by rng, in a random mode: the role may be changing meanwhile, so the
// actor may be gone already (not an error).
func killRoleActor(rng *rand.Rand, masters []*nodetest.Member, skip *nodetest.Member) {
	var live []*nodetest.Member
	for _, m := range masters {
		if m != skip && m.Node() != nil {
			live = append(live, m)
		}
	}
	if len(live) == 0 {
		return
	}
	m := live[rng.IntN(len(live))]
	var paths []string
	for _, p := range killable(m) {
		for _, role := range []actors.Role{actors.RoleMaster, actors.RoleWorker} {
			if strings.HasPrefix(p, actors.RoleSupervisorPath(role)+"/") {
				paths = append(paths, p)
			}
		}
	}
	if len(paths) == 0 {
		return
	}
	mode := actors.KillStop
	if rng.IntN(2) == 0 {
		mode = actors.KillPanic
	}
	_ = kill(m, paths[rng.IntN(len(paths))], mode)
}

// replicationStatus asks m's actorctl socket for its view of the replicated master.
func replicationStatus(m *nodetest.Member) (actors.ReplicationStatus, error) {
	var st actors.ReplicationStatus
	client := &control.Client{SocketPath: filepath.Join(m.Home, "queue", "cluster", "actorctl.sock"), Timeout: 5 * time.Second}
	payload, err := client.Do(context.Background(), actors.CmdReplication, nil)
	if err != nil {
		return st, fmt.Errorf("%s: %w", m.Name, err)
	}
	err = json.Unmarshal(payload, &st)
	return st, err
}

// storeHolds checks that m's store holds the agent name under id.
func storeHolds(m *nodetest.Member, id, name string) error {
	n := m.Node()
	if n == nil {
		return fmt.Errorf("%s is not running", m.Name)
	}
	a, ok, err := n.Store().AgentByName(context.Background(), name)
	if err != nil || !ok {
		return fmt.Errorf("%s's store lacks %s (%v)", m.Name, name, err)
	}
	if got := fmt.Sprintf("%03d", a.ID); got != id {
		return fmt.Errorf("%s holds %s as %s, want %s", m.Name, name, got, id)
	}
	return nil
}

// Three master-eligible nodes and a worker: one acts as master, the others are standbys
// connected to it as workers. Enrollments (on the acting master, and through the worker) are
// committed on every master-eligible node before they are answered. When the acting master
// stops, another takes over within the election timeout, the worker connects to it, and every
// agent enrolled before is known there; new ids follow the old ones.
func TestActingMasterFailsOver(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	first := c.Master()
	if !first.Node().ActingMaster() {
		t.Fatal("no acting master")
	}
	worker := c.Members()[3]
	enrolled := map[string]string{} // name → id
	enrolled["agent-m"] = enroll(t, first, "OSSEC A:'agent-m' V:'v4.14.7'")
	enrolled["agent-w"] = enroll(t, worker, "OSSEC A:'agent-w' V:'v4.14.7'")
	// A group made and assigned from the worker, and an agent removed from it: committed by
	// the acting master too.
	agentGroupsTool(t, worker, "-a", "-g", "web")
	agentGroupsTool(t, worker, "-a", "-i", enrolled["agent-m"], "-g", "web")
	removed := enroll(t, first, "OSSEC A:'agent-gone' V:'v4.14.7'")
	var out, errOut strings.Builder
	if code := control.RunManageAgents(context.Background(), "manage_agents", []string{"-home", worker.Home, "-r", removed}, &out, &errOut); code != 0 {
		t.Fatalf("manage_agents -r: %d %s", code, errOut.String())
	}
	var idM int
	fmt.Sscanf(enrolled["agent-m"], "%d", &idM)
	waitGroups(t, c.Masters(), idM, "web")
	// Acknowledged means committed: on a majority at once, and applied on every
	// master-eligible node soon after.
	nodetest.Eventually(t, 10*time.Second, func() error {
		for _, m := range c.Masters() {
			for name, id := range enrolled {
				if err := storeHolds(m, id, name); err != nil {
					return err
				}
			}
		}
		return nil
	})

	// actorctl replication: the acting master sees every member caught up; a standby names it.
	nodetest.Eventually(t, 10*time.Second, func() error {
		for _, m := range c.Masters() {
			st, err := replicationStatus(m)
			if err != nil {
				return err
			}
			switch {
			case m == first && (st.Role != "acting master" || len(st.Members) != 3):
				return fmt.Errorf("%s: %+v", m.Name, st)
			case m != first && (st.Role != "standby" || st.Leader != first.IP || st.Applied != st.Commit):
				return fmt.Errorf("%s: %+v", m.Name, st)
			}
			for _, mm := range st.Members {
				if mm.Lag != 0 || !mm.Active {
					return fmt.Errorf("%s sees %+v", m.Name, mm)
				}
			}
		}
		return nil
	})

	start := time.Now()
	if err := first.Stop(); err != nil {
		t.Fatalf("stop the acting master: %v", err)
	}
	stopped := time.Since(start)
	var next *nodetest.Member
	nodetest.Eventually(t, 20*time.Second, func() error {
		for _, m := range c.Masters() {
			if m != first && m.Node() != nil && m.Node().ActingMaster() {
				next = m
				return nil
			}
		}
		return fmt.Errorf("no new acting master")
	})
	acting := time.Since(start)
	nodetest.Eventually(t, 30*time.Second, func() error {
		ok, err := worker.WorkerConnected()
		if err != nil || !ok {
			return fmt.Errorf("the worker is not connected (%v)", err)
		}
		got, err := c.ConnectedWorkers()
		if err != nil {
			return err
		}
		if !strings.Contains(strings.Join(got, ","), worker.Name) {
			return fmt.Errorf("%s lists %v", next.Name, got)
		}
		return nil
	})
	t.Logf("stop of the acting master took %s; new acting master %s after %s; worker connected to it after %s",
		stopped, next.Name, acting, time.Since(start))

	for name, id := range enrolled {
		if err := storeHolds(next, id, name); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := groupsOf(next, idM); err != nil || !slices.Equal(got, []string{"web"}) {
		t.Fatalf("agent-m's groups on the new acting master: %v (%v)", got, err)
	}
	if _, found, _ := next.Node().Store().AgentByName(context.Background(), "agent-gone"); found {
		t.Fatal("the removed agent is back on the new acting master")
	}
	enrolled["agent-gone"] = removed // its id is never given again
	// The new acting master enrolls, never reusing an id, and so does the worker through it.
	for _, m := range []*nodetest.Member{next, worker} {
		name := "after-" + m.Name
		id := enroll(t, m, "OSSEC A:'"+name+"' V:'v4.14.7'")
		for other, used := range enrolled {
			if used == id {
				t.Fatalf("%s got id %s, already %s's", name, id, other)
			}
		}
		enrolled[name] = id
	}
	// The old master comes back as a standby and catches up.
	if err := first.Start(); err != nil {
		t.Fatalf("restart %s: %v", first.Name, err)
	}
	nodetest.Eventually(t, 20*time.Second, func() error {
		for name, id := range enrolled {
			if name == "agent-gone" {
				continue
			}
			if err := storeHolds(first, id, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// The acting master cut from the other nodes stops acting within the election timeout and
// refuses enrollments; the majority elects another, which the worker follows. After the heal
// there is one acting master, and every node holds what the majority committed meanwhile.
func TestPartitionedActingMasterStepsDown(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	old := c.Master()
	worker := c.Members()[3]
	before := enroll(t, worker, "OSSEC A:'before-cut' V:'v4.14.7'")

	c.Isolate(old)
	nodetest.Eventually(t, 15*time.Second, func() error {
		if old.Node().ActingMaster() || old.Node().Replication().IsActing() {
			return fmt.Errorf("%s still acts on its own", old.Name)
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if reply, err := old.Enroll(ctx, "OSSEC A:'on-the-cut-side' V:'v4.14.7'"); err == nil && strings.HasPrefix(reply, "OSSEC K:") {
		t.Fatalf("the cut-off master enrolled an agent: %q", reply)
	}
	var next *nodetest.Member
	nodetest.Eventually(t, 20*time.Second, func() error {
		for _, m := range c.Masters() {
			if m != old && m.Node().ActingMaster() {
				next = m
				return nil
			}
		}
		return fmt.Errorf("no acting master on the majority side")
	})
	during := enroll(t, worker, "OSSEC A:'during-cut' V:'v4.14.7'")

	c.Heal()
	nodetest.Eventually(t, 30*time.Second, func() error {
		acting := 0
		for _, m := range c.Masters() {
			if m.Node().ActingMaster() {
				acting++
			}
		}
		if acting != 1 {
			return fmt.Errorf("%d acting masters", acting)
		}
		for _, m := range c.Masters() {
			for name, id := range map[string]string{"before-cut": before, "during-cut": during} {
				if err := storeHolds(m, id, name); err != nil {
					return err
				}
			}
			if _, found, _ := m.Node().Store().AgentByName(context.Background(), "on-the-cut-side"); found {
				return fmt.Errorf("%s holds the agent the cut-off master was asked for", m.Name)
			}
		}
		return nil
	})
	t.Logf("acting master %s cut off; %s took over", old.Name, next.Name)
}

// Rounds of stopping a random master-eligible node (the acting one half of the time), or of
// cutting it off from the others, while agents enroll through the worker, then starting it
// again or healing the cut; while the survivors change role,
// actors of their role subtrees are killed (stopped or made to fail). After each round: one
// acting master, every acknowledged agent on every master-eligible node under the id it was
// given, no id given twice.
func TestReplicatedMasterChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("rounds of stops and starts")
	}
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	worker := c.Members()[3]
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(12, seed))
	acked := map[string]string{} // name → id
	ids := map[string]string{}   // id → name
	seq := 0
	tryEnroll := func() {
		seq++
		name := fmt.Sprintf("chaos-%03d", seq)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		reply, err := worker.Enroll(ctx, "OSSEC A:'"+name+"' V:'v4.14.7'")
		got := enrolledReply.FindStringSubmatch(reply)
		if err != nil || got == nil {
			return // refused or unanswered during the change: not acknowledged
		}
		if other, used := ids[got[1]]; used {
			t.Fatalf("id %s given to %s and %s", got[1], other, name)
		}
		acked[name], ids[got[1]] = got[1], name
	}
	deadline := time.Now().Add(30 * time.Second)
	for round := 1; time.Now().Before(deadline); round++ {
		victim := c.Masters()[rng.IntN(3)]
		if rng.IntN(2) == 0 {
			victim = c.Master()
		}
		tryEnroll()
		cut := rng.IntN(3) == 0 // a third of the rounds cut the victim off instead of stopping it
		if cut {
			c.Isolate(victim)
		} else if err := victim.Stop(); err != nil {
			t.Fatalf("round %d: stop %s: %v", round, victim.Name, err)
		}
		for range 3 {
			tryEnroll()
			killRoleActor(rng, c.Masters(), victim)
		}
		if cut {
			c.Heal()
		} else if err := victim.Start(); err != nil {
			t.Fatalf("round %d: start %s: %v", round, victim.Name, err)
		}
		tryEnroll()
		nodetest.Eventually(t, 30*time.Second, func() error {
			acting := 0
			for _, m := range c.Masters() {
				if m.Node().ActingMaster() {
					acting++
				}
			}
			if acting != 1 {
				return fmt.Errorf("round %d: %d acting masters", round, acting)
			}
			for _, m := range c.Masters() {
				for name, id := range acked {
					if err := storeHolds(m, id, name); err != nil {
						return fmt.Errorf("round %d: %w", round, err)
					}
				}
			}
			return nil
		})
		what := "stopped and started"
		if cut {
			what = "cut off and healed"
		}
		t.Logf("round %d: %s %s; %d agents acknowledged", round, what, victim.Name, len(acked))
	}
	if len(acked) == 0 {
		t.Fatal("no enrollment was acknowledged")
	}
}
