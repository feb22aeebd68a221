package nodetest_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
)

// controlShowsActingMaster checks cluster_control -l, -i and -i more as run on m: in Wazuh's
// format, the acting master is the master and every other running master-eligible node a
// worker.
func controlShowsActingMaster(c *nodetest.Cluster, m, acting *nodetest.Member) error {
	var out [3]string
	for i, args := range [][]string{{"-l"}, {"-i"}, {"-i", "more"}} {
		var stdout, stderr strings.Builder
		code := control.Run(context.Background(), "cluster_control", append([]string{"--home", m.Home}, args...), &stdout, &stderr)
		if code != 0 || stderr.Len() != 0 {
			return fmt.Errorf("cluster_control %v on %s exited %d: %s", args, m.Name, code, stderr.String())
		}
		out[i] = stdout.String()
	}
	list, health, more := out[0], out[1], out[2]
	for _, o := range c.Masters() {
		if o.Node() == nil {
			continue
		}
		typ := "worker"
		if o == acting {
			typ = "master"
		}
		q := regexp.QuoteMeta
		if !regexp.MustCompile(`(?m)^` + q(o.Name) + `\s+` + typ + `\s.*\s` + q(o.IP) + `\s*$`).MatchString(list) {
			return fmt.Errorf("cluster_control -l on %s does not list %s as %s:\n%s", m.Name, o.Name, typ, list)
		}
		if !regexp.MustCompile(`(?m)^    ` + q(o.Name) + ` \(` + q(o.IP) + `\)\n        Version: .*\n        Type: ` + typ + `$`).MatchString(more) {
			return fmt.Errorf("cluster_control -i more on %s does not show %s as %s:\n%s", m.Name, o.Name, typ, more)
		}
		// -i sums up the workers only, as Wazuh's does: the acting master is not among them.
		line := regexp.MustCompile(`(?m)^    ` + q(o.Name) + ` \(` + q(o.IP) + `\): Integrity check: `)
		if line.MatchString(health) == (o == acting) {
			return fmt.Errorf("cluster_control -i on %s, %s (%s):\n%s", m.Name, o.Name, typ, health)
		}
	}
	return nil
}

// cluster_control keeps Wazuh's format on a replicated cluster, run on any node: the acting
// master is the master, the standbys are workers; after a failover the new acting master is.
func TestClusterControlShowsTheActingMaster(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Masters: 3, Workers: 1})
	check := func(acting *nodetest.Member) {
		t.Helper()
		nodetest.Eventually(t, 30*time.Second, func() error {
			for _, m := range c.Members() {
				if m.Node() == nil {
					continue
				}
				if err := controlShowsActingMaster(c, m, acting); err != nil {
					return err
				}
			}
			return nil
		})
	}
	first := actingMaster(t, c)
	check(first)
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	next := actingMaster(t, c)
	check(next)
}
