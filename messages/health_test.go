package messages

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// goldenHealth was written by CPython's json.dumps from the dicts Wazuh's get_health builds:
// workers in connection order, then the master.
const goldenHealth = `{"n_connected_nodes": 2, "nodes": {"worker2": {"info": {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3", "n_active_agents": 1}, "status": {"sync_integrity_free": true, "last_check_integrity": {"date_start_master": "2024-05-01T10:00:00.000000Z", "date_end_master": "2024-05-01T10:00:00.250000Z"}, "last_sync_integrity": {"date_start_master": "2024-05-01T10:00:00.300000Z", "date_end_master": "2024-05-01T10:00:00.400000Z", "total_extra_valid": 0, "total_files": {"missing": 1, "extra": 0, "shared": 2}}, "sync_agent_info_free": false, "last_sync_agentinfo": {"date_start_master": "n/a", "date_end_master": "n/a", "n_synced_chunks": 0}, "last_sync_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_sync_full_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_keep_alive": "2024-05-01T09:59:30.123456Z"}}, "worker1": {"info": {"name": "worker1", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2", "n_active_agents": 2}, "status": {"sync_integrity_free": true, "last_check_integrity": {"date_start_master": "n/a", "date_end_master": "n/a"}, "last_sync_integrity": {"date_start_master": "n/a", "date_end_master": "n/a", "total_extra_valid": 0, "total_files": {"missing": 0, "shared": 0, "extra": 0, "extra_valid": 0}}, "sync_agent_info_free": true, "last_sync_agentinfo": {"date_start_master": "n/a", "date_end_master": "n/a", "n_synced_chunks": 0}, "last_sync_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_sync_full_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_keep_alive": "2024-05-01T09:59:31.000000Z"}}, "master-node": {"info": {"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1", "n_active_agents": 3}}}}`

func goldenHealthValue() Health {
	synced := NewWorkerStatus()
	synced.LastCheckIntegrity = IntegrityCheckStatus{
		DateStartMaster: FormatDate(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)),
		DateEndMaster:   FormatDate(time.Date(2024, 5, 1, 10, 0, 0, 250000000, time.UTC)),
	}
	synced.LastSyncIntegrity = IntegritySyncStatus{
		DateStartMaster: "2024-05-01T10:00:00.300000Z",
		DateEndMaster:   "2024-05-01T10:00:00.400000Z",
		TotalFiles:      map[string]int{"missing": 1, "extra": 0, "shared": 2},
	}
	synced.SyncAgentInfoFree = false
	synced.LastKeepAlive = "2024-05-01T09:59:30.123456Z"
	fresh := NewWorkerStatus()
	fresh.LastKeepAlive = FormatDate(time.Date(2024, 5, 1, 11, 59, 31, 0, time.FixedZone("", 2*3600)))
	return Health{
		NConnectedNodes: 2,
		Nodes: map[string]NodeHealth{
			"master-node": {Info: HealthInfo{Name: "master-node", Type: NodeTypeMaster, Version: "4.14.7", IP: "10.0.0.1", NActiveAgents: 3}},
			"worker1":     {Info: HealthInfo{Name: "worker1", Type: NodeTypeWorker, Version: "4.14.7", IP: "10.0.0.2", NActiveAgents: 2}, Status: &fresh},
			"worker2":     {Info: HealthInfo{Name: "worker2", Type: NodeTypeWorker, Version: "4.14.7", IP: "10.0.0.3", NActiveAgents: 1}, Status: &synced},
		},
		Order: []string{"worker2", "worker1", "master-node"},
	}
}

func TestHealthEncodesLikeWazuh(t *testing.T) {
	if got := string(goldenHealthValue().Encode()); got != goldenHealth {
		t.Errorf("Encode:\n got %s\nwant %s", got, goldenHealth)
	}
}

func TestHealthRoundTrip(t *testing.T) {
	h, err := ParseHealth([]byte(goldenHealth))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h, goldenHealthValue()) {
		t.Errorf("parsed %#v", h)
	}
	if string(h.Encode()) != goldenHealth {
		t.Error("parsed health does not re-encode identically")
	}
}

func TestHealthWithoutOrderPutsWorkersByNameThenMaster(t *testing.T) {
	h := goldenHealthValue()
	h.Order = nil
	got := string(h.Encode())
	w1, w2, m := strings.Index(got, `"worker1": `), strings.Index(got, `"worker2": `), strings.Index(got, `"master-node": `)
	if !(w1 < w2 && w2 < m) {
		t.Errorf("node order: worker1 at %d, worker2 at %d, master at %d", w1, w2, m)
	}
	h.Order = []string{"master-node", "ghost"}
	got = string(h.Encode())
	if strings.Index(got, `"master-node": `) > strings.Index(got, `"worker1": `) || strings.Contains(got, "ghost") {
		t.Errorf("explicit order not honoured: %s", got)
	}
}

func TestParseHealthRefusesMalformedDocuments(t *testing.T) {
	bad := []string{
		`[]`,
		`{"nodes": {}}`,
		`{"n_connected_nodes": 0, "nodes": []}`,
		`{"n_connected_nodes": 0, "nodes": {"m": {"info": {"name": "m"}}}}`,
		`{"n_connected_nodes": 0, "nodes": {"m": {"info": {"name": "m", "type": "master", "version": "v", "ip": "i", "n_active_agents": "3"}}}}`,
		strings.Replace(goldenHealth, `"n_synced_chunks": 0}, "last_keep_alive"`, `"n_synced_chunks": "0"}, "last_keep_alive"`, 1),
		strings.Replace(goldenHealth, `"total_files": {"missing": 1`, `"total_files": {"missing": true`, 1),
		strings.Replace(goldenHealth, `"sync_integrity_free": true`, `"sync_integrity_free": 1`, 1),
	}
	for _, in := range bad {
		if _, err := ParseHealth([]byte(in)); !errors.Is(err, ErrMalformedPayload) {
			t.Errorf("ParseHealth(%.80s…) err = %v", in, err)
		}
	}
}

func TestNewWorkerStatusIsWazuhsInitialState(t *testing.T) {
	want := `{"sync_integrity_free": true, "last_check_integrity": {"date_start_master": "n/a", "date_end_master": "n/a"}, "last_sync_integrity": {"date_start_master": "n/a", "date_end_master": "n/a", "total_extra_valid": 0, "total_files": {"missing": 0, "shared": 0, "extra": 0, "extra_valid": 0}}, "sync_agent_info_free": true, "last_sync_agentinfo": {"date_start_master": "n/a", "date_end_master": "n/a", "n_synced_chunks": 0}, "last_sync_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_sync_full_agentgroup": {"date_start": "n/a", "date_end": "n/a", "n_synced_chunks": 0}, "last_keep_alive": "n/a"}`
	if got := string(EncodeJSON(NewWorkerStatus().object())); got != want {
		t.Errorf("initial status:\n got %s\nwant %s", got, want)
	}
}

func TestTotalFilesKeepsUnknownKeysAfterKnownOnes(t *testing.T) {
	got := string(EncodeJSON(totalFilesObject(map[string]int{"zeta": 1, "shared": 2, "alpha": 3, "missing": 4})))
	if got != `{"missing": 4, "shared": 2, "alpha": 3, "zeta": 1}` {
		t.Errorf("total_files = %s", got)
	}
}

func TestFormatDate(t *testing.T) {
	if got := FormatDate(time.Time{}); got != "n/a" {
		t.Errorf("zero = %q", got)
	}
	ts := time.Date(2024, 5, 1, 12, 0, 1, 123456789, time.FixedZone("", 2*3600))
	if got := FormatDate(ts); got != "2024-05-01T10:00:01.123456Z" {
		t.Errorf("FormatDate = %q", got)
	}
}

func TestParseHealthFilter(t *testing.T) {
	for _, in := range []string{"", "null", " null "} {
		names, err := ParseHealthFilter([]byte(in))
		if err != nil || names != nil {
			t.Errorf("ParseHealthFilter(%q) = %#v, %v", in, names, err)
		}
	}
	names, err := ParseHealthFilter([]byte(`["master-node", "worker1"]`))
	if err != nil || !reflect.DeepEqual(names, []string{"master-node", "worker1"}) {
		t.Errorf("list = %#v, %v", names, err)
	}
	empty, err := ParseHealthFilter([]byte(`[]`))
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("empty list = %#v, %v", empty, err)
	}
	for _, bad := range []string{`{}`, `"worker1"`, `[1]`, `[`} {
		_, err := ParseHealthFilter([]byte(bad))
		var we *WazuhError
		if !errors.As(err, &we) || we.Code != 1000 {
			t.Errorf("ParseHealthFilter(%s) err = %v", bad, err)
		}
	}
}

func TestRulesetReloadPendingIsOptional(t *testing.T) {
	st := NewWorkerStatus()
	h := Health{NConnectedNodes: 1, Nodes: map[string]NodeHealth{"w": {Info: HealthInfo{Name: "w", Type: "worker"}, Status: &st}}}
	if strings.Contains(string(h.Encode()), "ruleset_reload_pending") {
		t.Fatal("the key is written while false")
	}
	st.RulesetReloadPending = true
	enc := h.Encode()
	if !strings.Contains(string(enc), `"ruleset_reload_pending": true`) {
		t.Fatalf("the key is missing: %s", enc)
	}
	back, err := ParseHealth(enc)
	if err != nil || !back.Nodes["w"].Status.RulesetReloadPending {
		t.Fatalf("round trip: %+v, %v", back.Nodes["w"].Status, err)
	}
}
