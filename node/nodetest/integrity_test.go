package nodetest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

func seedMaster(t *testing.T, m *nodetest.Member) {
	t.Helper()
	files := map[string]string{
		"etc/client.keys":                "001 agent1 any 0123456789abcdef\n",
		"etc/rules/local_rules.xml":      "<group name=\"local\"><rule id=\"100001\" level=\"5\"/></group>\n",
		"etc/decoders/local_decoder.xml": "<decoder name=\"local\"/>\n",
		"etc/lists/blocked-ips":          "10.0.0.1:\n",
		"etc/shared/default/agent.conf":  "<agent_config/>\n",
		"etc/shared/default/merged.mg":   "!16 agent.conf\n<agent_config/>\n",
		"etc/shared/group-a/agent.conf":  "<agent_config><localfile/></agent_config>\n",
		"var/multigroups/4f2a/merged.mg": "!0 empty\n",
		"etc/shared/ar.conf":             "never synced\n",
		"etc/rules/local_rules.xml.swp":  "never synced\n",
	}
	for rel, body := range files {
		if err := m.WriteFile(rel, body); err != nil {
			t.Fatal(err)
		}
	}
}

func waitSameFiles(t *testing.T, c *nodetest.Cluster, within time.Duration) {
	t.Helper()
	for _, w := range c.Workers() {
		nodetest.Eventually(t, within, func() error {
			return nodetest.SameFiles(c.Master().Home, w.Home, true)
		})
	}
}

func TestIntegrityConvergesAndRemovesWorkerOnlyFiles(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	seedMaster(t, c.Master())
	// Files only a worker has are removed, and so are the group folders left empty.
	w1 := c.Workers()[0]
	if err := w1.WriteFile("etc/shared/old-group/agent.conf", "stale\n"); err != nil {
		t.Fatal(err)
	}
	if err := w1.WriteFile("etc/rules/worker_only.xml", "stale\n"); err != nil {
		t.Fatal(err)
	}
	waitSameFiles(t, c, 20*time.Second)
	if _, err := os.Stat(filepath.Join(w1.Home, "etc/shared/old-group")); !os.IsNotExist(err) {
		t.Fatalf("emptied group folder still there: %v", err)
	}

	// Change, add and delete files on the master: every worker follows.
	m := c.Master()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.WriteFile("etc/rules/local_rules.xml", "<group name=\"local\"><rule id=\"100002\"/></group>\n"))
	must(m.WriteFile("etc/shared/group-b/agent.conf", "<agent_config/>\n"))
	must(os.Remove(filepath.Join(m.Home, "etc/lists/blocked-ips")))
	waitSameFiles(t, c, 20*time.Second)

	// The rules changed: the master's health says a ruleset reload is pending on each worker.
	nodetest.Eventually(t, 10*time.Second, func() error {
		h, err := m.Client().GetHealth(context.Background(), nil)
		if err != nil {
			return err
		}
		for _, w := range c.Workers() {
			if st := h.Nodes[w.Name].Status; st == nil || !st.RulesetReloadPending {
				return fmt.Errorf("%s: no ruleset reload pending in %+v", w.Name, st)
			}
		}
		return nil
	})

	// The master's health shows the last check and sync of each worker.
	out := clusterControl(t, m, "-i", "more")
	if strings.Contains(out, "Last integrity check: n/a") || !strings.Contains(out, "Permission to check integrity: True.") {
		t.Fatalf("health after syncs:\n%s", out)
	}
}

// With a one-hour sync_integrity, only the master's push can bring a change across quickly.
func TestIntegrityChangeIsPushedToClusterdWorkers(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2, Tune: func(in *config.Internal) {
		in.Worker.SyncIntegrity = time.Hour
		in.Master.RecalculateIntegrity = time.Hour
	}})
	seedMaster(t, c.Master())
	start := time.Now()
	waitSameFiles(t, c, 10*time.Second)
	t.Logf("seeded files on every worker after %s", time.Since(start))

	for i := range 3 {
		start = time.Now()
		if err := c.Master().WriteFile("etc/client.keys", fmt.Sprintf("00%d agent%d any key%d\n", i+2, i+2, i)); err != nil {
			t.Fatal(err)
		}
		waitSameFiles(t, c, 5*time.Second)
		t.Logf("change %d on every worker after %s", i, time.Since(start))
	}
}

// Killing the worker's integrity actor, or the worker itself, while it applies a package never
// leaves a half-written file, and the next round converges.
func TestIntegrityKilledMidApplyConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos episode")
	}
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	m, w := c.Master(), c.Workers()[0]
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB per file
	for i := range 20 {
		if err := m.WriteFile(fmt.Sprintf("etc/shared/bulk/file%02d.conf", i), fmt.Sprintf("%d%s", i, big)); err != nil {
			t.Fatal(err)
		}
	}
	path := actors.Path(actors.NameIntegritySync)
	for round := range 3 {
		nodetest.Eventually(t, 10*time.Second, func() error {
			if w.Node().Kit().Registry.Lookup(path) {
				return nil
			}
			return fmt.Errorf("%s not running", path)
		})
		if err := kill(w, path, actors.KillPanic); err != nil {
			t.Fatal(err)
		}
		assertNoPartialFiles(t, w.Home)
		t.Logf("round %d: integrity-sync made to fail", round)
	}
	// And the whole worker, stopped mid-sync and started again.
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	assertNoPartialFiles(t, w.Home)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	c.WaitConnected(10 * time.Second)
	waitSameFiles(t, c, 30*time.Second)
}

// The rounds of a tree over max_zip_size follow each other at once: the files left out are owed
// to the worker now, not after the master's next local-integrity cycle (an hour here, 8 s by
// default) or the worker's next sync_integrity.
func TestIntegrityOverZipSizeRoundsFollowAtOnce(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, NoStore: true, Tune: func(in *config.Internal) {
		in.Communication.MaxZipSize = 64 << 10
		in.Communication.MinZipSize = 16 << 10
		in.Worker.SyncIntegrity = time.Hour
		in.Master.RecalculateIntegrity = time.Hour
	}})
	waitSameFiles(t, c, 10*time.Second)
	line := strings.Repeat("<localfile><location>/var/log/syslog</location></localfile>\n", 170) // ~10 KiB
	for i := range 12 {
		if err := c.Master().WriteFile(fmt.Sprintf("etc/shared/big/f%02d.conf", i), line); err != nil {
			t.Fatal(err)
		}
	}
	waitSameFiles(t, c, 15*time.Second)
}

// assertNoPartialFiles checks that every bulk file on the worker is either absent or whole.
// File i holds strconv.Itoa(i) followed by 1 MiB, so its whole length is known.
func assertNoPartialFiles(t *testing.T, home string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(home, "etc/shared/bulk"))
	for _, e := range entries {
		var i int
		if _, err := fmt.Sscanf(e.Name(), "file%02d.conf", &i); err != nil || strings.HasSuffix(e.Name(), ".tmp") {
			continue // temporary files never carry a synced name
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if want := int64(len(strconv.Itoa(i)) + 1<<20); info.Size() != want {
			t.Fatalf("half-written file %s: %d bytes, want %d", e.Name(), info.Size(), want)
		}
	}
}

// A tree larger than max_zip_size once inflated (though small compressed) goes in several
// rounds: each package stays within what the worker accepts, and the worker converges.
func TestIntegrityLargerThanOnePackageConverges(t *testing.T) {
	// No store: a group's merged.mg holds all of its files, so it could never fit this limit.
	c := nodetest.Start(t, nodetest.Options{Workers: 1, NoStore: true, Tune: func(in *config.Internal) {
		in.Communication.MaxZipSize = 64 << 10
		in.Communication.MinZipSize = 16 << 10
	}})
	line := strings.Repeat("<localfile><location>/var/log/syslog</location></localfile>\n", 170) // ~10 KiB
	for i := range 12 {
		if err := c.Master().WriteFile(fmt.Sprintf("etc/shared/big/f%02d.conf", i), line); err != nil {
			t.Fatal(err)
		}
	}
	waitSameFiles(t, c, 30*time.Second)
}
