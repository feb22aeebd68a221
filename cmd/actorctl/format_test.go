package main

import (
	"strings"
	"testing"

	"github.com/clusterd/clusterd/actors"
)

func TestFormatReplicationShowsRoleTermAndLag(t *testing.T) {
	out := formatReplication(actors.ReplicationStatus{Node: "master1", Address: "10.0.0.1", Role: "acting master",
		Raft: "StateLeader", Term: 4, Leader: "10.0.0.1", Commit: 120, Applied: 120,
		Members: []actors.ReplicationMember{{Address: "10.0.0.1", Match: 120, Active: true}, {Address: "10.0.0.2", Match: 117, Lag: 3, Active: true}}})
	for _, want := range []string{"master1 (10.0.0.1): acting master; raft StateLeader, term 4; acting master 10.0.0.1; commit 120, applied 120",
		"MEMBER", "10.0.0.2  117    3    true"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	if out := formatReplication(actors.ReplicationStatus{Node: "m", Role: "none"}); !strings.Contains(out, "acting master none known") || strings.Contains(out, "MEMBER") {
		t.Fatalf("no leader:\n%s", out)
	}
}
