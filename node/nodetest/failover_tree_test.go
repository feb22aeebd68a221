package nodetest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
)

const treeRules = "etc/rules/failover_rules.xml"

func writeRules(t *testing.T, m *nodetest.Member, content string) {
	t.Helper()
	p := filepath.Join(m.Home, treeRules)
	if err := os.MkdirAll(filepath.Dir(p), 0o770); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".tmp", []byte(content), 0o660); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
}

// rulesAre checks that every member holds content in the test's rules file.
func rulesAre(content string, members ...*nodetest.Member) error {
	for _, m := range members {
		got, err := os.ReadFile(filepath.Join(m.Home, treeRules))
		if err != nil || !bytes.Equal(got, []byte(content)) {
			return fmt.Errorf("%s's rules are %q (%v), want %q", m.Name, got, err, content)
		}
	}
	return nil
}

// recordedTree is the generation and digest of the distributed file tree in m's replica.
func recordedTree(m *nodetest.Member) (uint64, string, error) {
	n := m.Node()
	if n == nil {
		return 0, "", fmt.Errorf("%s is not running", m.Name)
	}
	return n.Store().FileTree(context.Background())
}

// waitRecorded waits until every running master-eligible member records the same generation,
// at least min, and returns it.
func waitRecorded(t *testing.T, c *nodetest.Cluster, min uint64) uint64 {
	t.Helper()
	var gen uint64
	nodetest.Eventually(t, 20*time.Second, func() error {
		gen = 0
		digest := ""
		for _, m := range c.Masters() {
			if m.Node() == nil {
				continue
			}
			g, d, err := recordedTree(m)
			if err != nil {
				return err
			}
			if g < min || (gen != 0 && (g != gen || d != digest)) {
				return fmt.Errorf("%s records generation %d, want the others' %d (at least %d)", m.Name, g, gen, min)
			}
			gen, digest = g, d
		}
		return nil
	})
	return gen
}

func actingMaster(t *testing.T, c *nodetest.Cluster) *nodetest.Member {
	t.Helper()
	var acting *nodetest.Member
	nodetest.Eventually(t, 30*time.Second, func() error {
		acting = nil
		for _, m := range c.Masters() {
			if n := m.Node(); n != nil && n.ActingMaster() {
				if acting != nil {
					return fmt.Errorf("%s and %s both act", acting.Name, m.Name)
				}
				acting = m
			}
		}
		if acting == nil {
			return fmt.Errorf("no acting master")
		}
		return nil
	})
	return acting
}

// A ruleset change on the acting master is recorded in the replicated log (a generation of the
// file tree) before the workers get it. A standby that received it takes over and distributes
// the same tree. Master-eligible nodes whose files are older than the recorded tree (homes
// restored from a backup, or a file lost) take over and hold their files back: the worker
// keeps the newer ruleset; a change made on the acting master then becomes the next generation
// and reaches everyone.
func TestNewActingMasterNeverPushesAnOlderTree(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	first := c.Master()
	worker := c.Members()[3]
	all := c.Members()

	writeRules(t, first, "<group name=\"v1\"/>\n")
	nodetest.Eventually(t, 20*time.Second, func() error { return rulesAre("<group name=\"v1\"/>\n", all...) })
	gen1 := waitRecorded(t, c, 1)

	// The acting master stops after the change reached the standbys: the new one distributes
	// the recorded tree, and its own next change.
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	next := actingMaster(t, c)
	// It gives the worker permission to check its files against the tree: it did not hold
	// it back. (A change made before this first decision would be taken for an older tree.)
	nodetest.Eventually(t, 20*time.Second, func() error {
		if next.Logged("holding them back") {
			t.Fatalf("%s held back the tree it had received", next.Name)
		}
		if !next.Logged("[Worker " + worker.Name + "] [Integrity check] Finished") {
			return fmt.Errorf("%s has not checked %s's files", next.Name, worker.Name)
		}
		return nil
	})
	writeRules(t, next, "<group name=\"v2\"/>\n")
	gen2 := waitRecorded(t, c, gen1+1)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	nodetest.Eventually(t, 30*time.Second, func() error { return rulesAre("<group name=\"v2\"/>\n", all...) })

	// Every master-eligible node stops; their homes come back with older files: v1 on two,
	// none on the third. The worker keeps running with v2.
	for _, m := range c.Masters() {
		if err := m.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range c.Masters() {
		if i == 0 {
			if err := os.Remove(filepath.Join(m.Home, treeRules)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeRules(t, m, "<group name=\"v1\"/>\n")
	}
	for _, m := range c.Masters() {
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
	}
	held := actingMaster(t, c)
	nodetest.Eventually(t, 20*time.Second, func() error {
		if !held.Logged("holding them back") {
			return fmt.Errorf("%s does not say it holds its files back", held.Name)
		}
		if ok, err := worker.WorkerConnected(); err != nil || !ok {
			return fmt.Errorf("the worker is not connected (%v)", err)
		}
		return nil
	})
	// An absence is only seen over time: several of the worker's integrity rounds (every
	// 0.5 s) with the held master, and the worker still has the newer rules.
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if err := rulesAre("<group name=\"v2\"/>\n", worker); err != nil {
			t.Fatalf("the new acting master %s pushed its older tree: %v", held.Name, err)
		}
	}
	if g, _, err := recordedTree(held); err != nil || g != gen2 {
		t.Fatalf("%s records generation %d (%v), want %d", held.Name, g, err, gen2)
	}

	// The operator's change on the acting master is the next generation, and reaches all.
	writeRules(t, held, "<group name=\"v3\"/>\n")
	waitRecorded(t, c, gen2+1)
	nodetest.Eventually(t, 30*time.Second, func() error { return rulesAre("<group name=\"v3\"/>\n", all...) })
}
