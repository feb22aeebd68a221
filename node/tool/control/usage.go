package control

import (
	"fmt"
	"regexp"
	"strings"
)

// helpWidth is argparse's text width when stdout is not a terminal: 80 columns minus 2.
const helpWidth = 78

// UsageText is what cluster_control -u (and the "Wrong arguments." error) prints: Wazuh
// 4.14.7's usage() message, print's newline included. prog is the program's base name.
func UsageText(prog string) string {
	examples := []struct{ args, what string }{
		{"-l", "List all nodes present in a cluster"},
		{"-l -fn <node_name>", "List certain nodes that belong to the cluster"},
		{"-a", "List all agents connected to the cluster"},
		{"-a -fn <node_name>", "Check which agents are reporting to certain nodes"},
		{"-a -fs <agent_status>", "List agents with certain status"},
		{"-a -fn <node_name> <agent_status>", "List agents reporting to certain node and with certain status"},
		{"-i", "Check cluster health"},
		{"-i -fn <node_name>", "Check certain node's health"},
	}
	params := []string{"-l, --list", "-d, --debug", "-h, --help", "-fn, --filter-node",
		"-fs, --filter-agent-status", "-a, --list-agents", "-i, --health"}

	var sb strings.Builder
	fmt.Fprintf(&sb, "\n    %s [-h] [-d] [-fn [FILTER_NODE ...]] [-fs [FILTER_STATUS ...]][-a | -l | -i [HEALTH]]\n", prog)
	sb.WriteString("    Usage:\n")
	for _, ex := range examples {
		fmt.Fprintf(&sb, "    \t%-38s# %s\n", ex.args, ex.what)
	}
	sb.WriteString("\n\n    Params:\n")
	for _, p := range params {
		fmt.Fprintf(&sb, "    \t%s\n", p)
	}
	sb.WriteString("\n    \n")
	return sb.String()
}

// HelpText is what cluster_control -h (or no action at all) prints: the help Python 3.10's
// argparse builds for Wazuh's parser, for a non-terminal stdout.
func HelpText(prog string) string {
	entries := []struct{ invocation, help string }{
		{"-h, --help", "show this help message and exit"},
		{"-d, --debug", "Enable debug mode"},
		{"-fn [FILTER_NODE ...], --filter-node [FILTER_NODE ...]", "Filter by node name"},
		{"-fs [FILTER_STATUS ...], --filter-agent-status [FILTER_STATUS ...]", "Filter by agent status"},
		{"-a, --list-agents", "List agents"},
		{"-l, --list-nodes", "List nodes"},
		{"-i [HEALTH], --health [HEALTH]", "Show cluster health"},
		{"-u, --usage", "Show usage"},
	}
	// argparse puts help texts at column 24 (max_help_position), on the next line when the
	// invocation does not leave two spaces before that column.
	const helpColumn = 24
	var sb strings.Builder
	sb.WriteString(usageLine(prog))
	sb.WriteString("\noptions:\n")
	for _, e := range entries {
		if len(e.invocation) <= helpColumn-4 {
			fmt.Fprintf(&sb, "  %-*s  %s\n", helpColumn-4, e.invocation, e.help)
			continue
		}
		fmt.Fprintf(&sb, "  %s\n%s%s\n", e.invocation, strings.Repeat(" ", helpColumn), e.help)
	}
	return sb.String()
}

// usageParts are the wrappable pieces argparse cuts Wazuh's usage into (its part_regexp splits
// the mutually exclusive group after "[HEALTH]").
var usageParts = regexp.MustCompile(`\(.*?\)+(?:\s|$)|\[.*?\]+(?:\s|$)|\S+`)

// usageLine is argparse's "usage: ..." line(s) with the trailing newline, wrapped as its
// HelpFormatter._format_usage does.
func usageLine(prog string) string {
	const prefix = "usage: "
	optionals := "[-h] [-d] [-fn [FILTER_NODE ...]] [-fs [FILTER_STATUS ...]] [-a | -l | -i [HEALTH] | -u]"
	full := prog + " " + optionals
	if len(prefix)+len(full) <= helpWidth {
		return prefix + full + "\n"
	}
	var parts []string
	for _, p := range usageParts.FindAllString(optionals, -1) {
		parts = append(parts, strings.TrimSpace(p))
	}
	var lines []string
	if float64(len(prefix)+len(prog)) <= 0.75*helpWidth {
		indent := strings.Repeat(" ", len(prefix)+len(prog)+1)
		lines = wrapUsage(append([]string{prog}, parts...), indent, len(prefix))
		lines[0] = strings.TrimPrefix(lines[0], indent)
	} else {
		indent := strings.Repeat(" ", len(prefix))
		lines = append([]string{prog}, wrapUsage(parts, indent, len(indent))...)
	}
	return prefix + strings.Join(lines, "\n") + "\n"
}

// wrapUsage is argparse's get_lines: greedy filling up to helpWidth, every line indented.
func wrapUsage(parts []string, indent string, firstStart int) []string {
	var lines, line []string
	lineLen := firstStart - 1
	for _, part := range parts {
		if lineLen+1+len(part) > helpWidth && len(line) > 0 {
			lines = append(lines, indent+strings.Join(line, " "))
			line = nil
			lineLen = len(indent) - 1
		}
		line = append(line, part)
		lineLen += len(part) + 1
	}
	if len(line) > 0 {
		lines = append(lines, indent+strings.Join(line, " "))
	}
	return lines
}
