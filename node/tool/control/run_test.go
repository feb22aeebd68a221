package control

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

// scriptedNode answers each local request from a table keyed by command and records what it
// was asked.
type scriptedNode struct {
	*fakeNode
	mu       sync.Mutex
	requests []string // "command payload"
}

func startScriptedNode(t *testing.T, answers map[string][2]string) *scriptedNode {
	t.Helper()
	n := &scriptedNode{}
	n.fakeNode = startFakeNode(t, func(c *fakeConn) {
		f, ok := c.read()
		if !ok {
			return
		}
		n.mu.Lock()
		n.requests = append(n.requests, strings.TrimSpace(f.Command+" "+string(f.Payload)))
		n.mu.Unlock()
		answer, known := answers[f.Command]
		if !known {
			t.Errorf("scripted node: unexpected %s", f.Command)
			return
		}
		c.write(f.Counter, answer[0], answer[1])
		c.drain()
	})
	return n
}

func (n *scriptedNode) asked() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.requests...)
}

const configAnswer = `{"disabled": false, "hidden": "no", "name": "wazuh", "node_name": "master-node", "node_type": "master", "key": "c98b62a9b6169ac5f67dae55ae4a9088", "port": 1516, "bind_addr": "0.0.0.0", "nodes": ["10.0.0.1"]}`

// runCLI runs cluster_control with args and returns its exit status, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), "cluster_control", args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRunNotRunning(t *testing.T) {
	for _, args := range [][]string{{"-l"}, {"-u"}, {}, {"-fs", "active"}} {
		code, out, errOut := runCLI(append(args, "--home", t.TempDir())...)
		if code != 1 || out != "" || errOut != "ERROR: Cluster is not running.\n" {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestRunListNodes(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}, "get_nodes": {"ok", nodesAnswer}})
	code, out, errOut := runCLI("-l", "-fn", "master-node", "worker1", "--home", node.home)
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	if want := FormatNodes(wantNodes); out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	asked := node.asked()
	if len(asked) != 2 || asked[0] != "get_config" ||
		asked[1] != `get_nodes {"filter_node": ["master-node", "worker1"], "offset": 0, "limit": 500, "sort": null, "search": null, "select": null, "filter_type": "all", "distinct": false}` {
		t.Errorf("requests = %q", asked)
	}
}

func TestRunHealthAsksNodesFirst(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{
		"get_config": {"ok", configAnswer}, "get_nodes": {"ok", nodesAnswer}, "get_health": {"ok", specHealthJSON},
	})
	code, out, errOut := runCLI("--home", node.home, "-i")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want, _ := FormatHealth(specHealth(t), "wazuh", false)
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	asked := node.asked()
	if len(asked) != 3 || !strings.HasPrefix(asked[1], `get_nodes {"filter_node": null,`) ||
		asked[2] != `get_health ["master-node", "worker1"]` {
		t.Errorf("requests = %q", asked)
	}
}

func TestRunHealthMoreWithFilter(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}, "get_health": {"ok", specHealthJSON}})
	code, out, errOut := runCLI("--home", node.home, "-i", "MORE", "-fn", "worker1")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want, _ := FormatHealth(specHealth(t), "wazuh", true)
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if asked := node.asked(); len(asked) != 2 || asked[1] != `get_health ["worker1"]` {
		t.Errorf("requests = %q", asked)
	}
}

func TestRunPrintsNodeErrors(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}, "get_nodes": {"err", error3023}, "dapi": {"err", error3023}})
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-l"}, 0}, // Wazuh logs the error and still exits 0...
		{[]string{"-l", "-d"}, 1},
		{[]string{"-a"}, 0},
	} {
		code, out, errOut := runCLI(append(tc.args, "--home", node.home)...)
		errOut = dropDebugLines(errOut)
		if code != tc.code || out != "" || errOut != "ERROR: Error 3023 - Worker node is not connected to master\n" {
			t.Errorf("%q: status %d, stdout %q, stderr %q", tc.args, code, out, errOut)
		}
	}
}

func TestRunPrintsPlainTextErrorsAsIs(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}, "get_nodes": {"err", "unknown command 'b'get_nodes''"}})
	code, out, errOut := runCLI("-l", "--home", node.home)
	if code != 0 || out != "" || errOut != "ERROR: unknown command 'b'get_nodes''\n" {
		t.Errorf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestRunWrongArguments(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}})
	code, out, errOut := runCLI("--home", node.home, "-fs", "active", "-l")
	if code != 1 || errOut != "ERROR: Wrong arguments.\n" || out != UsageText("cluster_control") {
		t.Errorf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestRunUsageAndHelp(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}})
	if code, out, errOut := runCLI("--home", node.home, "-u"); code != 0 || out != UsageText("cluster_control") || errOut != "" {
		t.Errorf("-u: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, errOut := runCLI("--home", node.home); code != 0 || out != HelpText("cluster_control") || errOut != "" {
		t.Errorf("no action: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	// -h needs no running cluster: argparse prints the help while parsing.
	if code, out, _ := runCLI("-h", "--home", t.TempDir()); code != 0 || out != HelpText("cluster_control") {
		t.Errorf("-h: status %d, stdout %q", code, out)
	}
}

func TestRunBadArguments(t *testing.T) {
	code, out, errOut := runCLI("-a", "-l")
	want := "usage: cluster_control [-h] [-d] [-fn [FILTER_NODE ...]]\n" +
		"                       [-fs [FILTER_STATUS ...]] [-a | -l | -i [HEALTH] | -u]\n" +
		"cluster_control: error: argument -l/--list-nodes: not allowed with argument -a/--list-agents\n"
	if code != 2 || out != "" || errOut != want {
		t.Errorf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestRunDebugLogsFrames(t *testing.T) {
	node := startScriptedNode(t, map[string][2]string{"get_config": {"ok", configAnswer}, "get_nodes": {"ok", nodesAnswer}})
	code, _, errOut := runCLI("-d", "-l", "--home", node.home)
	if code != 0 || !strings.Contains(errOut, "DEBUG: Sent get_nodes") {
		t.Errorf("status %d, stderr %q", code, errOut)
	}
}

// dropDebugLines removes the DEBUG lines -d adds to stderr.
func dropDebugLines(s string) string {
	var kept []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(line, "DEBUG: ") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "")
}
