package nodetest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
)

// masterState is what m's replica says of the master's state: each agent (id, name, key,
// groups) and each group, one line each.
func masterState(m *nodetest.Member) ([]string, error) {
	n := m.Node()
	if n == nil {
		return nil, fmt.Errorf("%s is not running", m.Name)
	}
	ctx := context.Background()
	agents, err := n.Store().Agents(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range agents {
		out = append(out, fmt.Sprintf("agent %03d %s %s %v", a.ID, a.Name, a.Key, a.Groups))
	}
	groups, err := n.Store().Groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		out = append(out, fmt.Sprintf("group %s %d", g.Name, g.Agents))
	}
	slices.Sort(out)
	return out, nil
}

// sameMasterState waits until every master-eligible member's replica equals want.
func sameMasterState(t *testing.T, c *nodetest.Cluster, want []string) {
	t.Helper()
	nodetest.Eventually(t, 30*time.Second, func() error {
		for _, m := range c.Masters() {
			got, err := masterState(m)
			if err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s holds\n%s\nwant\n%s", m.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		return nil
	})
}

// Every node of a replicated cluster stops at once and starts again on the same homes (a
// power cut): the cluster comes back with one acting master, the same agents under the same
// ids, keys and groups on every master-eligible node, the worker connected, and the next
// enrollment takes a new id.
func TestReplicatedMasterRestartsAllAtOnce(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	worker := c.Members()[3]
	ids := map[string]string{}
	for i, m := range c.Members() {
		name := fmt.Sprintf("agent-%d", i)
		ids[name] = enroll(t, m, "OSSEC A:'"+name+"' V:'v4.14.7'")
	}
	agentGroupsTool(t, worker, "-a", "-g", "web")
	agentGroupsTool(t, worker, "-a", "-i", ids["agent-1"], "-g", "web")
	var id1 int
	fmt.Sscanf(ids["agent-1"], "%d", &id1)
	waitGroups(t, c.Masters(), id1, "web")
	before, err := masterState(c.Master())
	if err != nil {
		t.Fatal(err)
	}
	sameMasterState(t, c, before)

	each := func(do func(m *nodetest.Member) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, len(c.Members()))
		for i, m := range c.Members() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = do(m)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", c.Members()[i].Name, err)
			}
		}
	}
	each((*nodetest.Member).Stop)
	each((*nodetest.Member).Start)

	acting := actingMaster(t, c)
	sameMasterState(t, c, before)
	nodetest.Eventually(t, 30*time.Second, func() error {
		if ok, err := worker.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("the worker is not connected (%v)", err)
		}
		return nil
	})
	for _, m := range []*nodetest.Member{acting, worker} {
		name := "after-" + m.Name
		id := enroll(t, m, "OSSEC A:'"+name+"' V:'v4.14.7'")
		for other, used := range ids {
			if used == id {
				t.Fatalf("%s got id %s, already %s's", name, id, other)
			}
		}
		ids[name] = id
	}
	if n := actingCount(c); n != 1 {
		t.Fatalf("%d acting masters", n)
	}
}

func actingCount(c *nodetest.Cluster) int {
	n := 0
	for _, m := range c.Masters() {
		if m.Node() != nil && m.Node().ActingMaster() {
			n++
		}
	}
	return n
}
