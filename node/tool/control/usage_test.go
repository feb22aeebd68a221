package control

import "testing"

// The expected texts are Wazuh 4.14.7's own: the usage message pinned by
// framework/scripts/tests/test_cluster_control.py::test_usage, and the help CPython's argparse
// prints for cluster_control's parser on a non-terminal stdout.

func TestUsageTextIsWazuhs(t *testing.T) {
	want := "\n    cluster_control [-h] [-d] [-fn [FILTER_NODE ...]] [-fs [FILTER_STATUS ...]][-a | -l | -i [HEALTH]]\n" +
		"    Usage:\n" +
		"    \t-l                                    # List all nodes present in a cluster\n" +
		"    \t-l -fn <node_name>                    # List certain nodes that belong to the cluster\n" +
		"    \t-a                                    # List all agents connected to the cluster\n" +
		"    \t-a -fn <node_name>                    # Check which agents are reporting to certain nodes\n" +
		"    \t-a -fs <agent_status>                 # List agents with certain status\n" +
		"    \t-a -fn <node_name> <agent_status>     # List agents reporting to certain node and with certain status\n" +
		"    \t-i                                    # Check cluster health\n" +
		"    \t-i -fn <node_name>                    # Check certain node's health\n" +
		"\n\n    Params:\n" +
		"    \t-l, --list\n" +
		"    \t-d, --debug\n" +
		"    \t-h, --help\n" +
		"    \t-fn, --filter-node\n" +
		"    \t-fs, --filter-agent-status\n" +
		"    \t-a, --list-agents\n" +
		"    \t-i, --health\n" +
		"\n    \n"
	if got := UsageText("cluster_control"); got != want {
		t.Errorf("UsageText:\ngot  %q\nwant %q", got, want)
	}
}

func TestHelpTextIsArgparses(t *testing.T) {
	want := `usage: cluster_control [-h] [-d] [-fn [FILTER_NODE ...]]
                       [-fs [FILTER_STATUS ...]] [-a | -l | -i [HEALTH] | -u]

options:
  -h, --help            show this help message and exit
  -d, --debug           Enable debug mode
  -fn [FILTER_NODE ...], --filter-node [FILTER_NODE ...]
                        Filter by node name
  -fs [FILTER_STATUS ...], --filter-agent-status [FILTER_STATUS ...]
                        Filter by agent status
  -a, --list-agents     List agents
  -l, --list-nodes      List nodes
  -i [HEALTH], --health [HEALTH]
                        Show cluster health
  -u, --usage           Show usage
`
	if got := HelpText("cluster_control"); got != want {
		t.Errorf("HelpText:\ngot  %q\nwant %q", got, want)
	}
}

func TestUsageLineWrapsLikeArgparse(t *testing.T) {
	cases := map[string]string{
		// Computed by CPython's argparse with COLUMNS=80 for each program name.
		"cc": "usage: cc [-h] [-d] [-fn [FILTER_NODE ...]] [-fs [FILTER_STATUS ...]]\n" +
			"          [-a | -l | -i [HEALTH] | -u]\n",
		// argparse cuts the group after "[HEALTH]" and may wrap inside it.
		"cluster_control.py": "usage: cluster_control.py [-h] [-d] [-fn [FILTER_NODE ...]]\n" +
			"                          [-fs [FILTER_STATUS ...]] [-a | -l | -i [HEALTH] |\n" +
			"                          -u]\n",
		"a_very_long_program_name_that_takes_most_of_the_line_width_x": "usage: a_very_long_program_name_that_takes_most_of_the_line_width_x\n" +
			"       [-h] [-d] [-fn [FILTER_NODE ...]] [-fs [FILTER_STATUS ...]]\n" +
			"       [-a | -l | -i [HEALTH] | -u]\n",
	}
	for prog, want := range cases {
		if got := usageLine(prog); got != want {
			t.Errorf("usageLine(%q):\ngot  %q\nwant %q", prog, got, want)
		}
	}
}
