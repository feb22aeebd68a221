package wazuhdb

import (
	"context"
	"reflect"
	"testing"
)

// rowKeepalive is the agent row's own last_keepalive, apart from agent_keepalive.
func rowKeepalive(t *testing.T, s *Store, id int) int64 {
	t.Helper()
	var v int64
	if err := s.db.QueryRow(`SELECT IFNULL(last_keepalive, 0) FROM agent WHERE id = ?`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func keptApart(t *testing.T, s *Store, id int) bool {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM agent_keepalive WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// A keepalive-only item leaves the agent's row as it is and is read back through every reader;
// the next write of the row's own column wins over it, as later writes do in wazuh-db.
func TestKeepaliveOnlyKeptApartFromTheRow(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var full []Agent
	for id := 1; id <= 3; id++ {
		mustAdd(t, s, NewAgent{Name: fullAgentInfo(id).Name})
		a := fullAgentInfo(id)
		a.LastKeepalive = 1000
		full = append(full, a)
	}
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: full}, 1000); err != nil {
		t.Fatal(err)
	}
	keepalives := []AgentKeepalive{{ID: 1, Version: "Wazuh v4.14.7"}, {ID: 2}, {ID: 99}}
	if n, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Keepalive: keepalives}, 2000); err != nil || n != 2 {
		t.Fatalf("ApplyAgentInfo = %d, %v; want the 2 known agents", n, err)
	}
	if got := rowKeepalive(t, s, 1); got != 1000 {
		t.Errorf("agent 1's row was rewritten: last_keepalive %d", got)
	}
	if a := mustAgent(t, s, 1); a.LastKeepalive != 2000 || a.ConnectionStatus != "active" {
		t.Errorf("agent 1 reads %d %s, want 2000 active", a.LastKeepalive, a.ConnectionStatus)
	}
	var listed int64
	err := s.SelectGlobal(ctx, "SELECT "+LastKeepaliveSQL+" FROM agent WHERE id = ?", []any{int64(2)}, func(v []any) error {
		listed = v[0].(int64)
		return nil
	})
	if err != nil || listed != 2000 {
		t.Errorf("SelectGlobal reads agent 2's keepalive as %d, %v; want 2000", listed, err)
	}

	ids, err := s.DisconnectStale(ctx, 1500, "synced", 2100)
	if err != nil || !reflect.DeepEqual(ids, []int{3}) {
		t.Fatalf("DisconnectStale = %v, %v; want only agent 3, whose keepalive is old", ids, err)
	}
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Keepalive: []AgentKeepalive{{ID: 3}}}, 2200); err != nil {
		t.Fatal(err)
	}
	if a := mustAgent(t, s, 3); a.ConnectionStatus != "active" || a.StatusCode != 0 || a.DisconnectionTime != 0 || a.LastKeepalive != 2200 {
		t.Errorf("disconnected agent 3 kept alive: %+v", a)
	}

	// A full row later in time than the keepalive, even with an older value, is the last word.
	again := full[0]
	again.LastKeepalive = 1500
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Syncreq: []Agent{again}}, 2300); err != nil {
		t.Fatal(err)
	}
	if a := mustAgent(t, s, 1); a.LastKeepalive != 1500 || keptApart(t, s, 1) {
		t.Errorf("after a full row, agent 1 reads %d (kept apart: %v), want the row's 1500", a.LastKeepalive, keptApart(t, s, 1))
	}
	// And a keepalive the worker records on its own copy as well.
	mustRun(t, s.RecordKeepaliveOnly(ctx, 3, "synced", 2400))
	if a := mustAgent(t, s, 3); a.LastKeepalive != 2400 || keptApart(t, s, 3) {
		t.Errorf("after a recorded keepalive, agent 3 reads %d (kept apart: %v), want 2400", a.LastKeepalive, keptApart(t, s, 3))
	}

	if !keptApart(t, s, 2) {
		t.Fatal("agent 2's keepalive is not kept apart")
	}
	if err := s.RemoveAgent(ctx, 2, true); err != nil {
		t.Fatal(err)
	}
	if keptApart(t, s, 2) {
		t.Error("a removed agent's keepalive is left behind")
	}
}

// A keepalive-only item still writes what changes in the row: an agent's new version.
func TestKeepaliveOnlyWritesANewVersion(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustAdd(t, s, NewAgent{Name: "agent-a"})
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Keepalive: []AgentKeepalive{{ID: 1, Version: "Wazuh v4.14.7"}}}, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyAgentInfo(ctx, AgentInfoBatch{Keepalive: []AgentKeepalive{{ID: 1}}}, 20); err != nil {
		t.Fatal(err)
	}
	if a := mustAgent(t, s, 1); a.Version != "Wazuh v4.14.7" || a.LastKeepalive != 20 || a.ConnectionStatus != "active" {
		t.Errorf("agent reads %q %d %s, want the version kept, 20, active", a.Version, a.LastKeepalive, a.ConnectionStatus)
	}
}
