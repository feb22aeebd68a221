package control

import (
	"errors"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// specHealthJSON is the mocked get_health answer behind the generated examples of §14.
const specHealthJSON = `{"n_connected_nodes": 1, "nodes": {
 "worker1": {"info": {"name": "worker1", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2", "n_active_agents": 2},
  "status": {"sync_integrity_free": true,
   "last_check_integrity": {"date_start_master": "2024-05-01T10:00:00.000000Z", "date_end_master": "2024-05-01T10:00:00.250000Z"},
   "last_sync_integrity": {"date_start_master": "n/a", "date_end_master": "n/a", "total_extra_valid": 0,
    "total_files": {"missing": 0, "shared": 0, "extra": 0, "extra_valid": 0}},
   "sync_agent_info_free": true,
   "last_sync_agentinfo": {"date_start_master": "2024-05-01T10:00:01.000000Z", "date_end_master": "2024-05-01T10:00:01.000100Z", "n_synced_chunks": 3},
   "last_sync_agentgroup": {"date_start": "2024-05-01T10:00:02.000000Z", "date_end": "n/a", "n_synced_chunks": 0},
   "last_sync_full_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0},
   "last_keep_alive": "2024-05-01T09:59:30.123456Z"}},
 "master-node": {"info": {"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1", "n_active_agents": 3}}}}`

func specHealth(t *testing.T) messages.Health {
	t.Helper()
	doc, err := decodeHealth([]byte(specHealthJSON))
	if err != nil {
		t.Fatalf("decodeHealth: %v", err)
	}
	return doc
}

func TestFormatHealthSummaryMatchesSpecExample(t *testing.T) {
	want := lines(
		"Cluster name: wazuh$",
		"$",
		"Last completed synchronization for connected nodes (1):$",
		"    worker1 (10.0.0.2): Integrity check: 2024-05-01T10:00:00.250000Z | Integrity sync: n/a | Agents-info: 2024-05-01T10:00:01.000100Z | Agent-groups: n/a | Agent-groups full: n/a | Last keep alive: 2024-05-01T09:59:30.123456Z.$",
		"$",
	) + "\n"
	got, err := FormatHealth(specHealth(t), "wazuh", false)
	if err != nil {
		t.Fatalf("FormatHealth: %v", err)
	}
	if got != want {
		t.Errorf("FormatHealth summary:\ngot  %q\nwant %q", got, want)
	}
}

func TestFormatHealthDetailedMatchesSpecExample(t *testing.T) {
	want := strings.Join([]string{
		"Cluster name: wazuh",
		"",
		"Connected nodes (1):",
		"",
		"    master-node (10.0.0.1)",
		"        Version: 4.14.7",
		"        Type: master",
		"        Active agents: 3",
		"",
		"    worker1 (10.0.0.2)",
		"        Version: 4.14.7",
		"        Type: worker",
		"        Active agents: 2",
		"        Status:",
		"            Last keep Alive:",
		"                Last received: 2024-05-01T09:59:30.123456Z.",
		"            Integrity check:",
		"                Last integrity check: 0.25s (2024-05-01T10:00:00.000000Z - 2024-05-01T10:00:00.250000Z).",
		"                Permission to check integrity: True.",
		"            Integrity sync:",
		"                Last integrity synchronization: n/a (n/a - n/a).",
		"                Synchronized files: Shared: 0 | Missing: 0 | Extra: 0.",
		"            Agents-info:",
		"                Last synchronization: 0.001s (2024-05-01T10:00:01.000000Z - 2024-05-01T10:00:01.000100Z).",
		"                Number of synchronized chunks: 3.",
		"                Permission to synchronize agent-info: True.",
		"            Agents-groups:",
		"                Last synchronization: n/a (2024-05-01T10:00:02.000000Z - n/a).",
		"                Number of synchronized chunks: 0.",
		"            Agents-groups full:",
		"                Last synchronization: n/a (n/a - n/a).",
		"                Number of synchronized chunks: 0.",
		"",
	}, "\n") + "\n"
	got, err := FormatHealth(specHealth(t), "wazuh", true)
	if err != nil {
		t.Fatalf("FormatHealth: %v", err)
	}
	if got != want {
		t.Errorf("FormatHealth detailed:\ngot  %q\nwant %q", got, want)
	}
}

func TestFormatHealthWithoutWorkers(t *testing.T) {
	doc := messages.Health{Nodes: map[string]messages.NodeHealth{
		"master-node": {Info: messages.HealthInfo{Name: "master-node", Type: "master", Version: "4.14.7", IP: "10.0.0.1"}},
	}}
	got, err := FormatHealth(doc, "wazuh", false)
	if err != nil {
		t.Fatalf("FormatHealth: %v", err)
	}
	if want := "Cluster name: wazuh\n\nLast completed synchronization for connected nodes (0):\n\n"; got != want {
		t.Errorf("FormatHealth = %q, want %q", got, want)
	}
}

func TestFormatHealthRefusesBadDocuments(t *testing.T) {
	noStatus := messages.Health{Nodes: map[string]messages.NodeHealth{"w": {Info: messages.HealthInfo{Type: "worker"}}}}
	if _, err := FormatHealth(noStatus, "c", true); !errors.Is(err, ErrMalformedDocument) {
		t.Errorf("worker without status: err = %v, want ErrMalformedDocument", err)
	}
	badDate := specHealth(t)
	w := badDate.Nodes["worker1"]
	w.Status.LastCheckIntegrity.DateEndMaster = "yesterday"
	if _, err := FormatHealth(badDate, "c", false); !errors.Is(err, ErrBadDate) {
		t.Errorf("bad date: err = %v, want ErrBadDate", err)
	} else if !strings.Contains(err.Error(), "time data 'yesterday' does not match format '%Y-%m-%dT%H:%M:%S.%fZ'") {
		t.Errorf("bad date: error %q does not carry Python's text", err)
	}
}

func TestSpanSeconds(t *testing.T) {
	const day = "2024-05-01T10:00:"
	cases := []struct{ start, end, want string }{
		{day + "00.000000Z", day + "00.250000Z", "0.25s"},
		{day + "00.000000Z", day + "01.000000Z", "1.0s"},
		{day + "00.000000Z", day + "14.000000Z", "14.0s"},
		{day + "00.000000Z", day + "00.000100Z", "0.001s"}, // below half a millisecond
		{day + "00.000000Z", day + "00.000500Z", "0.001s"}, // 0.0005 rounds up (binary value above the tie)
		{day + "00.000000Z", day + "00.001500Z", "0.002s"}, // round(0.0015, 3)
		{day + "00.000000Z", day + "01.000500Z", "1.0s"},   // round(1.0005, 3): binary value below the tie
		{day + "05.000000Z", day + "00.000000Z", "0.001s"}, // negative span
		{day + "00.123456Z", day + "07.654321Z", "7.531s"}, // 7.530865
		{day + "00.5Z", day + "01.25Z", "0.75s"},           // short fractions are tenths, hundredths
		{"2024-05-01t10:00:00.0z", day + "00.1Z", "0.1s"},  // strptime ignores case
		{"2024-01-01T00:00:00.000000Z", "2025-01-01T00:00:00.000000Z", "31622400.0s"},
		{"n/a", day + "00.000000Z", "n/a"},
		{day + "00.000000Z", "n/a", "n/a"},
	}
	for _, tc := range cases {
		got, err := spanSeconds(tc.start, tc.end)
		if err != nil || got != tc.want {
			t.Errorf("spanSeconds(%q, %q) = %q, %v; want %q", tc.start, tc.end, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "2024-05-01T10:00:00Z", "2024-02-30T10:00:00.0Z", "2024-05-01T10:00:60.0Z",
		"2024-05-01T10:00:00.1234567Z", "0000-01-01T00:00:00.0Z", "2024-05-01 10:00:00.0Z"} {
		if _, err := spanSeconds(bad, "2024-05-01T10:00:00.0Z"); !errors.Is(err, ErrBadDate) {
			t.Errorf("spanSeconds(%q, ...) err = %v, want ErrBadDate", bad, err)
		}
	}
}
