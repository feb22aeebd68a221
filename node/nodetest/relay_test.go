package nodetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
)

func TestWorkerRelaysNodeQueriesToTheMaster(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 2})
	w := c.Workers()[0]
	var out, errOut strings.Builder
	code := control.Run(context.Background(), "cluster_control", []string{"--home", w.Home, "-l"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "master") || !strings.Contains(out.String(), "worker2") {
		t.Fatalf("cluster_control -l on a worker: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	out.Reset()
	code = control.Run(context.Background(), "cluster_control", []string{"--home", w.Home, "-i"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "Cluster name: wazuh") || !strings.Contains(out.String(), "worker2 (") {
		t.Fatalf("cluster_control -i on a worker: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	out.Reset()
	code = control.Run(context.Background(), "cluster_control", []string{"--home", w.Home, "-i", "more"}, &out, &errOut)
	for _, want := range []string{"Connected nodes (2):", "    worker2 (", "        Type: master", "Last keep Alive:"} {
		if code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("cluster_control -i more on a worker lacks %q: exit %d\n%s\n%s", want, code, out.String(), errOut.String())
		}
	}
	out.Reset()
	code = control.Run(context.Background(), "cluster_control", []string{"--home", w.Home, "-l", "-fn", "worker2"}, &out, &errOut)
	if code != 0 || strings.Contains(out.String(), "worker1") || !strings.Contains(out.String(), "worker2") {
		t.Fatalf("cluster_control -l -fn worker2 on a worker: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}
