package nodetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
)

// debris are temporary files a crash can leave in the folders a master writes to, as this
// version and earlier ones name them.
var debris = []string{
	"etc/shared/default/.merged.mg.tmp-123",              // an earlier merged.mg writer
	"etc/shared/default/.agent.conf.tmp4242",             // an earlier atomic writer
	"etc/.client.keys.tmp-77",                            // an earlier client.keys writer
	"etc/shared/group-a/.merged.mg.clusterd-1234567.tmp", // every writer of this version
	"var/multigroups/4f2a/.merged.mg.tmp-9",              // a multigroup's merged.mg
	"etc/rules/.clusterd-0123456789abcdef.tmp",           // a file received from a peer
	"queue/rids/.sender_counter.clusterd-55.tmp",         // the agents' sender counter
}

func plant(t *testing.T, m *nodetest.Member, rels []string) {
	t.Helper()
	for _, rel := range rels {
		if err := m.WriteFile(rel, "half a file\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// A temporary file a crash left in a group folder of a running master (the master writes
// merged.mg through one) is never synchronised: the cluster converges, the worker never
// receives it and applies every file of every round.
func TestIntegrityNeverShipsTemporaryFiles(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	m, w := c.Master(), c.Workers()[0]
	seedMaster(t, m)
	waitSameFiles(t, c, 20*time.Second)

	plant(t, m, debris)
	// A change made after the debris: once the worker has it, a scan that saw the debris has
	// been compared and applied.
	if err := m.WriteFile("etc/rules/after_debris.xml", "<group/>\n"); err != nil {
		t.Fatal(err)
	}
	waitSameFiles(t, c, 20*time.Second)
	// Two more checks after that one: a file the master still listed would be synced (and
	// refused) by then.
	checks := func() int { return w.LogCount("[Integrity check] Finished in") }
	after := checks()
	nodetest.Eventually(t, 20*time.Second, func() error {
		if n := checks(); n < after+2 {
			return fmt.Errorf("%d integrity checks since the convergence, want 2", n-after)
		}
		return nil
	})
	for _, rel := range debris {
		if _, err := os.Stat(filepath.Join(w.Home, rel)); !os.IsNotExist(err) {
			t.Errorf("the worker received %s (%v)", rel, err)
		}
	}
	if w.Logged("Found errors") {
		t.Errorf("the worker failed to apply a file: %s", w.WaitLogLine(t, time.Second, "Found errors"))
	}
}

// The temporary files an earlier run left are removed when a node starts (and said so), and
// nothing else is: files of other names stay.
func TestStartRemovesTemporaryFilesOfAnEarlierRun(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	m := c.Master()
	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
	plant(t, m, debris)
	kept := []string{
		"etc/shared/default/.notes.tmp",          // an operator's hidden file
		"etc/rules/.local_rules.xml.tmp",         // the worker apply's fixed name (also Wazuh's)
		"etc/shared/default/merged.mg.tmp-1",     // not hidden
		"etc/shared/default/.merged.mg.tmp-12ab", // not digits
		"etc/rules/.backup.clusterd-1.tmp.orig",  // not a .tmp name
		"logs/.cluster.log.clusterd-1.tmp",       // not a folder the node writes whole files to
	}
	plant(t, m, kept)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	c.WaitConnected(15 * time.Second)
	for _, rel := range debris {
		if _, err := os.Stat(filepath.Join(m.Home, rel)); !os.IsNotExist(err) {
			t.Errorf("%s survived the start (%v)", rel, err)
		}
	}
	for _, rel := range kept {
		if _, err := os.Stat(filepath.Join(m.Home, rel)); err != nil {
			t.Errorf("%s was removed: %v", rel, err)
		}
	}
	line := m.WaitLogLine(t, 5*time.Second, "WARNING:", "Removed 7 temporary files left by an earlier run")
	if !strings.Contains(line, "etc/shared/default/.merged.mg.tmp-123") {
		t.Errorf("the start-up line does not name the files: %s", line)
	}
}

// A file a worker cannot apply is named, with the reason, at the level a node logs at by
// default, not only counted in "Found errors".
func TestWorkerLogsWhyAFileWasNotApplied(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1})
	m, w := c.Master(), c.Workers()[0]
	// A folder on the worker where the master has a file: the rename over it fails.
	if err := w.WriteFile("etc/rules/blocked.xml/inside", "x\n"); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteFile("etc/rules/blocked.xml", "<group/>\n"); err != nil {
		t.Fatal(err)
	}
	w.WaitLogLine(t, 20*time.Second, "ERROR:", "Found errors: 0 overwriting, 1 creating")
	line := w.WaitLogLine(t, 5*time.Second, "ERROR:", "Could not apply etc/rules/blocked.xml: ")
	t.Logf("reported: %s", line)
}
