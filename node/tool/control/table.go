package control

import (
	"strings"
	"unicode/utf8"
)

// FormatTable renders rows under upper-cased headers as cluster_control's __print_table does:
// every column as wide as its longest cell (headers included) plus two, every cell left-aligned
// and padded with spaces to that width (the last column too), rows joined with "\n", no
// trailing newline. Like Python's zip, a row longer than the shortest one is cut to its length.
// Widths count characters, not bytes, as Python's len does.
func FormatTable(headers []string, rows [][]string) string {
	table := make([][]string, 0, len(rows)+1)
	upper := make([]string, len(headers))
	for i, h := range headers {
		upper[i] = strings.ToUpper(h)
	}
	table = append(table, upper)
	table = append(table, rows...)

	columns := len(table[0])
	for _, row := range table[1:] {
		columns = min(columns, len(row))
	}
	widths := make([]int, columns)
	for _, row := range table {
		for c := range columns {
			widths[c] = max(widths[c], utf8.RuneCountInString(row[c])+2)
		}
	}

	var sb strings.Builder
	for r, row := range table {
		if r > 0 {
			sb.WriteByte('\n')
		}
		for c := range columns {
			sb.WriteString(row[c])
			sb.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(row[c])))
		}
	}
	return sb.String()
}

// nodeHeaders and agentHeaders are cluster_control's column titles (upper-cased on output).
var (
	nodeHeaders  = []string{"Name", "Type", "Version", "Address"}
	agentHeaders = []string{"ID", "Name", "IP", "Status", "Version", "Node name"}
)

// FormatNodes is what cluster_control -l writes to stdout, print's newline included.
func FormatNodes(nodes NodesDoc) string {
	rows := make([][]string, len(nodes.Items))
	for i, n := range nodes.Items {
		rows[i] = []string{n.Name, n.Type, n.Version, n.IP}
	}
	return FormatTable(nodeHeaders, rows) + "\n"
}

// FormatAgents is what cluster_control -a writes to stdout, print's newline included.
func FormatAgents(agents AgentsDoc) string {
	rows := make([][]string, len(agents.Items))
	for i, a := range agents.Items {
		rows[i] = []string{a.ID, a.Name, a.IP, a.Status, a.Version, a.NodeName}
	}
	return FormatTable(agentHeaders, rows) + "\n"
}
