package wazuhdb

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// vectorKeepalive is what remoted parses from keepalive vector 03.
var vectorKeepalive = KeepaliveData{
	Version: "Wazuh v4.14.7", ConfigSum: "d6e3ac3e75ca0319af3e7c262776f331",
	MergedSum: "ab73af41699f13fdd81903b5f23d8d00", ManagerHost: "worker-host", NodeName: "worker1",
	AgentIP: "10.0.2.15", Labels: []Label{{"env", "staging"}, {"#\"_agent_ip\"", "10.0.2.15"}},
	OSName: "Debian GNU/Linux", OSVersion: "12", OSMajor: "12", OSCodename: "bookworm",
	OSPlatform: "debian", OSUname: "Linux |vec-agent |6.1.0-18-amd64 |x86_64", OSArch: "x86_64",
	GroupConfigStatus: "synced",
}

func TestRecordKeepaliveStoresAgentData(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1", IP: "any"})
	if err := s.RecordDisconnected(ctx, 1, 3, "synced", 1699999000); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordKeepalive(ctx, 1, vectorKeepalive, "syncreq", 1700000000); err != nil {
		t.Fatal(err)
	}
	a := mustAgent(t, s, 1)
	want := Agent{ID: 1, Name: "a1", IP: "10.0.2.15", RegisterIP: "any", Key: "ka1",
		OSName: "Debian GNU/Linux", OSVersion: "12", OSMajor: "12", OSCodename: "bookworm",
		OSPlatform: "debian", OSUname: "Linux |vec-agent |6.1.0-18-amd64 |x86_64", OSArch: "x86_64",
		Version: "Wazuh v4.14.7", ConfigSum: "d6e3ac3e75ca0319af3e7c262776f331",
		MergedSum: "ab73af41699f13fdd81903b5f23d8d00", ManagerHost: "worker-host", NodeName: "worker1",
		DateAdd: a.DateAdd, LastKeepalive: 1700000000, ConnectionStatus: "active", GroupConfigStatus: "synced",
		GroupSyncStatus: "synced", SyncStatus: "syncreq",
		Labels: []Label{{"#\"_agent_ip\"", "10.0.2.15"}, {"env", "staging"}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("after keepalive:\n%+v\nwant\n%+v", a, want)
	}

	// A later keepalive without an agent IP keeps the stored one and
	// replaces the labels.
	d := vectorKeepalive
	d.AgentIP, d.Labels, d.GroupConfigStatus = "", []Label{{"env", "prod"}}, ""
	if err := s.RecordKeepalive(ctx, 1, d, "syncreq_keepalive", 1700000020); err != nil {
		t.Fatal(err)
	}
	a = mustAgent(t, s, 1)
	if a.IP != "10.0.2.15" || a.GroupConfigStatus != "synced" || a.LastKeepalive != 1700000020 ||
		!reflect.DeepEqual(a.Labels, []Label{{"env", "prod"}}) {
		t.Fatalf("second keepalive: ip %q group config %q keepalive %d labels %v", a.IP, a.GroupConfigStatus, a.LastKeepalive, a.Labels)
	}
	if a.SyncStatus != "syncreq" {
		t.Fatalf("syncreq downgraded to %q by a keepalive", a.SyncStatus)
	}
}

func TestRecordWritesConnectionStates(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})

	before := time.Now().Unix()
	if err := s.RecordStartup(ctx, 1, "synced"); err != nil {
		t.Fatal(err)
	}
	a := mustAgent(t, s, 1)
	if a.ConnectionStatus != "pending" || a.LastKeepalive < before || a.LastKeepalive > time.Now().Unix() {
		t.Fatalf("after startup: %s, last keepalive %d", a.ConnectionStatus, a.LastKeepalive)
	}

	if err := s.RecordStatusCode(ctx, 1, 1, "Wazuh v9.0.0", "synced"); err != nil {
		t.Fatal(err)
	}
	if a = mustAgent(t, s, 1); a.StatusCode != 1 || a.Version != "Wazuh v9.0.0" {
		t.Fatalf("after refused version: code %d version %q", a.StatusCode, a.Version)
	}
	if err := s.RecordStatusCode(ctx, 1, 2, "", "synced"); err != nil {
		t.Fatal(err)
	}
	if a = mustAgent(t, s, 1); a.StatusCode != 2 || a.Version != "Wazuh v9.0.0" {
		t.Fatalf("after missing version: code %d version %q", a.StatusCode, a.Version)
	}

	if err := s.RecordKeepaliveOnly(ctx, 1, "synced", 1700000000); err != nil {
		t.Fatal(err)
	}
	if a = mustAgent(t, s, 1); a.ConnectionStatus != "active" || a.StatusCode != 0 || a.LastKeepalive != 1700000000 {
		t.Fatalf("after keepalive: %s code %d keepalive %d", a.ConnectionStatus, a.StatusCode, a.LastKeepalive)
	}

	if err := s.RecordDisconnected(ctx, 1, 3, "synced", 1700000050); err != nil {
		t.Fatal(err)
	}
	a = mustAgent(t, s, 1)
	if a.ConnectionStatus != "disconnected" || a.StatusCode != 3 || a.DisconnectionTime != 1700000050 || a.SyncStatus != "synced" {
		t.Fatalf("after shutdown: %+v", a)
	}

	if err := s.RecordKeepaliveOnly(ctx, 1, "synced", 1700000060); err != nil {
		t.Fatal(err)
	}
	if a = mustAgent(t, s, 1); a.DisconnectionTime != 0 || a.StatusCode != 0 {
		t.Fatalf("keepalive after shutdown kept disconnection %d code %d", a.DisconnectionTime, a.StatusCode)
	}
}

func TestRecordRefusesBadArguments(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	if err := s.RecordStartup(ctx, 1, "later"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad sync status: %v", err)
	}
	d := vectorKeepalive
	d.GroupConfigStatus = "maybe"
	if err := s.RecordKeepalive(ctx, 1, d, "synced", 1); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad group config status: %v", err)
	}
	if err := s.RecordKeepalive(ctx, 9, vectorKeepalive, "synced", 1); !errors.Is(err, ErrAgentNotFound) {
		t.Errorf("unknown agent keepalive: %v", err)
	}
	if err := s.RecordDisconnected(ctx, 9, 3, "synced", 1); !errors.Is(err, ErrAgentNotFound) {
		t.Errorf("unknown agent shutdown: %v", err)
	}
	if _, err := s.DisconnectStale(ctx, 1, "bad", 1); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("DisconnectStale bad sync: %v", err)
	}
}

// TestSyncStatusPrecedence follows wazuh-db: pending full data is never
// downgraded to a keepalive or status update, pending status never to a
// keepalive; "synced" always applies.
func TestSyncStatusPrecedence(t *testing.T) {
	cases := []struct{ stored, requested, want string }{
		{"synced", "syncreq_keepalive", "syncreq_keepalive"},
		{"syncreq_keepalive", "syncreq_status", "syncreq_status"},
		{"syncreq_keepalive", "syncreq", "syncreq"},
		{"syncreq_status", "syncreq_keepalive", "syncreq_status"},
		{"syncreq_status", "syncreq", "syncreq"},
		{"syncreq", "syncreq_keepalive", "syncreq"},
		{"syncreq", "syncreq_status", "syncreq"},
		{"syncreq", "synced", "synced"},
		{"syncreq_status", "synced", "synced"},
	}
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "a1"})
	for _, c := range cases {
		if _, err := s.db.Exec(`UPDATE agent SET sync_status = ? WHERE id = 1`, c.stored); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordKeepaliveOnly(ctx, 1, c.requested, 1700000000); err != nil {
			t.Fatal(err)
		}
		if got := mustAgent(t, s, 1).SyncStatus; got != c.want {
			t.Errorf("%s then %s = %s, want %s", c.stored, c.requested, got, c.want)
		}
	}
}

func TestDisconnectStale(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"old", "fresh", "never", "gone", "oldpending"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	mustRun(t, s.RecordKeepaliveOnly(ctx, 1, "synced", 1000))
	mustRun(t, s.RecordKeepaliveOnly(ctx, 2, "synced", 5000))
	mustRun(t, s.RecordKeepaliveOnly(ctx, 4, "synced", 1000))
	mustRun(t, s.RecordDisconnected(ctx, 4, 3, "synced", 1100))
	mustRun(t, s.RecordStartup(ctx, 5, "synced"))
	if _, err := s.db.Exec(`UPDATE agent SET last_keepalive = 900 WHERE id = 5`); err != nil {
		t.Fatal(err)
	}
	ids, err := s.DisconnectStale(ctx, 4000, "synced", 6000)
	if err != nil || !reflect.DeepEqual(ids, []int{1, 5}) {
		t.Fatalf("DisconnectStale = %v, %v; want [1 5]", ids, err)
	}
	for _, id := range ids {
		if a := mustAgent(t, s, id); a.ConnectionStatus != "disconnected" || a.StatusCode != 4 || a.DisconnectionTime != 6000 {
			t.Errorf("agent %d: %+v", id, a)
		}
	}
	if a := mustAgent(t, s, 4); a.StatusCode != 3 || a.DisconnectionTime != 1100 {
		t.Errorf("already disconnected agent rewritten: %+v", a)
	}
	if a := mustAgent(t, s, 3); a.ConnectionStatus != "never_connected" {
		t.Errorf("never connected agent: %s", a.ConnectionStatus)
	}
	if ids, err := s.DisconnectStale(ctx, 4000, "synced", 6000); err != nil || len(ids) != 0 {
		t.Fatalf("second run = %v, %v", ids, err)
	}
}

func TestResetConnections(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"active", "pending", "never", "down", "confirmed"} {
		mustAdd(t, s, NewAgent{Name: n})
	}
	mustRun(t, s.RecordKeepaliveOnly(ctx, 1, "syncreq_keepalive", 1000))
	mustRun(t, s.RecordStartup(ctx, 2, "syncreq_status"))
	mustRun(t, s.RecordDisconnected(ctx, 4, 3, "syncreq_status", 1100))
	mustRun(t, s.RecordKeepaliveOnly(ctx, 5, "synced", 1000))
	if err := s.ResetConnections(ctx, 2000); err != nil {
		t.Fatal(err)
	}
	// Rows the master never confirmed stay pending, as full rows; a confirmed row stays synced.
	for id, sync := range map[int]string{1: "syncreq", 2: "syncreq", 5: "synced"} {
		if a := mustAgent(t, s, id); a.ConnectionStatus != "disconnected" || a.StatusCode != 5 ||
			a.DisconnectionTime != 2000 || a.SyncStatus != sync {
			t.Errorf("agent %d after reset: %+v, want sync status %s", id, a, sync)
		}
	}
	if a := mustAgent(t, s, 3); a.ConnectionStatus != "never_connected" {
		t.Errorf("never connected agent reset: %+v", a)
	}
	if a := mustAgent(t, s, 4); a.StatusCode != 3 || a.SyncStatus != "syncreq_status" {
		t.Errorf("disconnected agent reset: %+v", a)
	}
}

func mustRun(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
