package wazuhdb

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// AgentNodes answers where agents report, by id: the agents asked for (unknown ids left out,
// ids given in any order and more than one query's worth), those of the nodes asked for, or
// every agent; never the manager's row.
func TestAgentNodes(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i := 1; i <= 1200; i++ {
		mustAdd(t, s, NewAgent{Name: fmt.Sprintf("a%04d", i)})
	}
	mustRun(t, s.RecordKeepalive(ctx, 2, KeepaliveData{NodeName: "worker1"}, "synced", 1000))
	mustRun(t, s.RecordKeepalive(ctx, 1100, KeepaliveData{NodeName: "worker2"}, "synced", 1000))
	got, err := s.AgentNodes(ctx, []int{1100, 2, 9999, 2}, nil)
	if want := []AgentNode{{ID: 2, Node: "worker1"}, {ID: 1100, Node: "worker2"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("by id = %v, %v; want %v", got, err, want)
	}
	got, err = s.AgentNodes(ctx, nil, []string{"worker2", "worker1"})
	if want := []AgentNode{{ID: 2, Node: "worker1"}, {ID: 1100, Node: "worker2"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("by node = %v, %v; want %v", got, err, want)
	}
	ids := make([]int, 0, 1200)
	for i := 1200; i >= 1; i-- {
		ids = append(ids, i)
	}
	got, err = s.AgentNodes(ctx, ids, []string{"unknown"})
	if err != nil || len(got) != 1198 || got[0].ID != 1 || got[len(got)-1].ID != 1200 {
		t.Fatalf("1,200 ids of node unknown: %d rows from %v, %v", len(got), got[:min(3, len(got))], err)
	}
	all, err := s.AgentNodes(ctx, nil, nil)
	if err != nil || len(all) != 1200 || all[1] != (AgentNode{ID: 2, Node: "worker1"}) {
		t.Fatalf("every agent: %d rows, %v", len(all), err)
	}
}
