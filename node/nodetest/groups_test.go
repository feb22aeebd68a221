package nodetest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
)

// agentGroupsTool runs agent_groups against a member and returns its output.
func agentGroupsTool(t *testing.T, m *nodetest.Member, args ...string) string {
	t.Helper()
	var out, errOut strings.Builder
	code := control.RunAgentGroups(context.Background(), "agent_groups", append([]string{"-home", m.Home}, args...), &out, &errOut)
	if code != 0 {
		t.Fatalf("agent_groups %v on %s exited %d: %s", args, m.Name, code, errOut.String())
	}
	return out.String()
}

// groupsOf reads an agent's groups from a member's store.
func groupsOf(m *nodetest.Member, id int) ([]string, error) {
	a, ok, err := m.Node().Store().Agent(context.Background(), id)
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: agent %03d not in the store (%v)", m.Name, id, err)
	}
	return a.Groups, nil
}

// waitGroups waits until every member's store gives the agent exactly want.
func waitGroups(t *testing.T, members []*nodetest.Member, id int, want ...string) {
	t.Helper()
	for _, m := range members {
		nodetest.Eventually(t, 15*time.Second, func() error {
			got, err := groupsOf(m, id)
			if err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s: agent %03d groups %v, want %v", m.Name, id, got, want)
			}
			return nil
		})
	}
}

// Groups are created, assigned and taken away from a worker's command line; the master owns
// them, builds the group's merged.mg, and every worker's store and shared folder follow.
func TestAgentGroupsFromAnyNode(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	w1, w2 := c.Workers()[0], c.Workers()[1]
	idText := enroll(t, c.Master(), "OSSEC A:'grouped' V:'v4.14.7' G:'default'")
	var id int
	fmt.Sscanf(idText, "%d", &id)
	waitGroups(t, c.Members(), id, "default")

	agentGroupsTool(t, w1, "-a", "-g", "web")
	if fi, err := os.Stat(filepath.Join(c.Master().Home, "etc", "shared", "web", "agent.conf")); err != nil || fi.IsDir() {
		t.Fatalf("the master has no etc/shared/web/agent.conf: %v", err)
	}
	agentGroupsTool(t, w2, "-a", "-i", idText, "-g", "web")
	waitGroups(t, c.Members(), id, "default", "web")
	if out := agentGroupsTool(t, w1, "-s", "-i", idText); !strings.Contains(out, "default, web") {
		t.Fatalf("agent_groups -s: %q", out)
	}
	if out := agentGroupsTool(t, c.Master(), "-l"); !strings.Contains(out, "web (1)") {
		t.Fatalf("agent_groups -l: %q", out)
	}

	// The group's merged.mg is built on the master and reaches the workers.
	if err := c.Master().WriteFile("etc/shared/web/rules.conf", "<localfile/>\n"); err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Workers() {
		nodetest.Eventually(t, 15*time.Second, func() error {
			b, err := os.ReadFile(filepath.Join(w.Home, "etc", "shared", "web", "merged.mg"))
			if err != nil || !strings.Contains(string(b), "!13 rules.conf\n<localfile/>\n") {
				return fmt.Errorf("%s merged.mg = %q (%v)", w.Name, b, err)
			}
			return nil
		})
	}

	agentGroupsTool(t, w1, "-r", "-i", idText, "-g", "default")
	waitGroups(t, c.Members(), id, "web")
	agentGroupsTool(t, w2, "-a", "-f", "-i", idText, "-g", "default")
	waitGroups(t, c.Members(), id, "default")

	// Removing the agent from a worker removes its key everywhere.
	var out, errOut strings.Builder
	if code := control.RunManageAgents(context.Background(), "manage_agents", []string{"-home", w2.Home, "-r", idText}, &out, &errOut); code != 0 {
		t.Fatalf("manage_agents -r: %d %s", code, errOut.String())
	}
	for _, m := range c.Members() {
		nodetest.Eventually(t, 15*time.Second, func() error {
			if hasKeyLine(m.ClientKeys(), idText, "grouped") {
				return fmt.Errorf("%s still has the key of %s", m.Name, idText)
			}
			return nil
		})
	}
}

// A worker whose store lost its assignments converges through the full resync it asks for
// after agent_groups_mismatch_limit failed checksums.
func TestAgentGroupsDamagedWorkerResyncs(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Worker.AgentGroupsMismatchLimit = 2
	}})
	w := c.Workers()[0]
	var ids []int
	for i := range 5 {
		var id int
		fmt.Sscanf(enroll(t, c.Master(), fmt.Sprintf("OSSEC A:'dmg-%d' V:'v4.14.7' G:'default'", i)), "%d", &id)
		ids = append(ids, id)
	}
	for _, id := range ids {
		waitGroups(t, c.Members(), id, "default")
	}
	// Damage the worker's copy behind the cluster's back.
	ctx := context.Background()
	var damaged []wazuhdb.AgentGroups
	for _, id := range ids {
		damaged = append(damaged, wazuhdb.AgentGroups{ID: id, Groups: []string{"wrong"}})
	}
	if err := w.Node().Store().SetAgentGroups(ctx, wazuhdb.ModeOverride, "synced", damaged); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		waitGroups(t, []*nodetest.Member{w}, id, "default")
	}
	masterHash, _, _ := c.Master().Node().Store().GlobalGroupHash(ctx)
	workerHash, _, _ := w.Node().Store().GlobalGroupHash(ctx)
	if masterHash != workerHash {
		t.Fatalf("hashes differ after the resync: %s %s", masterHash, workerHash)
	}
}

// Killing the agent-groups actors of the master in the middle of a broadcast loses nothing:
// assignments are marked delivered only once every worker took them.
func TestAgentGroupsSurviveKilledActors(t *testing.T) {
	if testing.Short() {
		t.Skip("bulk assignments")
	}
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	ctx := context.Background()
	st := c.Master().Node().Store()
	const agents = 2000
	for i := range agents {
		if _, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: fmt.Sprintf("bulk-%04d", i), IP: "any", Key: strings.Repeat("a", 64)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateGroup(ctx, "bulk"); err != nil {
		t.Fatal(err)
	}
	data := make([]wazuhdb.AgentGroups, agents)
	for i := range data {
		data[i] = wazuhdb.AgentGroups{ID: i + 1, Groups: []string{"bulk"}}
	}
	if err := st.SetAgentGroups(ctx, wazuhdb.ModeOverride, "syncreq", data); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{actors.NameGroupsSend, actors.NameLocalGroups} {
		for _, mode := range []string{actors.KillPanic, actors.KillStop} {
			if err := kill(c.Master(), actors.Path(name), mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, w := range c.Workers() {
		nodetest.Eventually(t, 30*time.Second, func() error {
			for _, id := range []int{1, agents / 2, agents} {
				got, err := groupsOf(w, id)
				if err != nil || !slices.Equal(got, []string{"bulk"}) {
					return fmt.Errorf("%s agent %d: %v %v", w.Name, id, got, err)
				}
			}
			all, err := w.Node().Store().Agents(ctx)
			if err != nil {
				return err
			}
			n := 0
			for _, a := range all {
				if slices.Equal(a.Groups, []string{"bulk"}) {
					n++
				}
			}
			if n != agents {
				return fmt.Errorf("%s: %d of %d agents in bulk", w.Name, n, agents)
			}
			return nil
		})
	}
	nodetest.Eventually(t, 10*time.Second, func() error {
		if n, err := st.ChangedGroups(ctx); err != nil || n != 0 {
			return fmt.Errorf("%d assignments still to send (%v)", n, err)
		}
		return nil
	})
}
