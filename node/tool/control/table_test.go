package control

import (
	"strings"
	"testing"
)

// lines joins spec-style lines, where "$" marks the end of a line so that trailing spaces show.
func lines(specLines ...string) string {
	out := make([]string, len(specLines))
	for i, l := range specLines {
		out[i] = strings.TrimSuffix(l, "$")
	}
	return strings.Join(out, "\n")
}

func TestFormatNodesMatchesSpecExample(t *testing.T) {
	nodes := NodesDoc{Items: []NodeInfo{
		{Name: "master-node", Type: "master", Version: "4.14.7", IP: "10.0.0.1"},
		{Name: "worker1", Type: "worker", Version: "4.14.7", IP: "10.0.0.2"},
	}, TotalItems: 2}
	want := lines(
		"NAME         TYPE    VERSION  ADDRESS   $",
		"master-node  master  4.14.7   10.0.0.1  $",
		"worker1      worker  4.14.7   10.0.0.2  $",
	) + "\n"
	if got := FormatNodes(nodes); got != want {
		t.Errorf("FormatNodes:\ngot  %q\nwant %q", got, want)
	}
}

func TestFormatTable(t *testing.T) {
	cases := []struct {
		name    string
		headers []string
		rows    [][]string
		want    string
	}{
		{"headers only", []string{"Name", "Type"}, nil, "NAME  TYPE  "},
		{"no columns", nil, nil, ""},
		{"header wider than cells", []string{"Version"}, [][]string{{"4"}}, lines("VERSION  $", "4        $")},
		{"characters not bytes", []string{"n"}, [][]string{{"nœud"}}, lines("N     $", "nœud  $")},
		{"short row cuts every row like zip", []string{"a", "b"}, [][]string{{"x"}, {"y", "z"}}, lines("A  $", "x  $", "y  $")},
		{"empty cell", []string{"a", "b"}, [][]string{{"", "1"}}, lines("A  B  $", "   1  $")},
	}
	for _, tc := range cases {
		if got := FormatTable(tc.headers, tc.rows); got != tc.want {
			t.Errorf("%s: FormatTable = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFormatAgentsFillsUnknown(t *testing.T) {
	doc, err := decodeAgents([]byte(`{"items": [{"id": "000", "name": "master", "ip": "127.0.0.1", "status": "active", "version": "Wazuh v4.14.7", "node_name": "master-node"}, {"id": "001", "name": "web", "ip": "any", "status": "never_connected", "node_name": "worker1"}], "totalItems": 2}`))
	if err != nil {
		t.Fatalf("decodeAgents: %v", err)
	}
	want := lines(
		"ID   NAME    IP         STATUS           VERSION        NODE NAME    $",
		"000  master  127.0.0.1  active           Wazuh v4.14.7  master-node  $",
		"001  web     any        never_connected  unknown        worker1      $",
	) + "\n"
	if got := FormatAgents(doc); got != want {
		t.Errorf("FormatAgents:\ngot  %q\nwant %q", got, want)
	}
}
