package node

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// The locator answers get_solver_node's questions from the store: the manager is agent 000 on
// the master, ids are matched as numbers and written as Wazuh writes them, ids that are not
// agents' are left out.
func TestAgentLocator(t *testing.T) {
	st, err := wazuhdb.Open(filepath.Join(t.TempDir(), "global.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for _, name := range []string{"web", "db"} {
		a, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: name, Key: "k"})
		if err != nil {
			t.Fatal(err)
		}
		a.NodeName = "worker" + map[string]string{"web": "1", "db": "2"}[name]
		if err := st.UpdateAgentInfo(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	l := agentLocator{st: st, self: "master", timeout: time.Minute}
	for _, tc := range []struct {
		q    dapi.AgentQuery
		want []dapi.AgentNode
	}{
		{dapi.AgentQuery{IDs: []string{"002", "000", "7", "x", "-1"}}, []dapi.AgentNode{{ID: "000", Node: "master"}, {ID: "002", Node: "worker2"}}},
		{dapi.AgentQuery{IDs: []string{"x"}}, nil},
		{dapi.AgentQuery{Nodes: []string{"worker1"}}, []dapi.AgentNode{{ID: "001", Node: "worker1"}}},
		{dapi.AgentQuery{Nodes: []string{"master"}}, []dapi.AgentNode{{ID: "000", Node: "master"}}},
		{dapi.AgentQuery{}, []dapi.AgentNode{{ID: "000", Node: "master"}, {ID: "001", Node: "worker1"}, {ID: "002", Node: "worker2"}}},
	} {
		got, err := l.LocateAgents(tc.q)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("LocateAgents(%+v) = %v, %v; want %v", tc.q, got, err, tc.want)
		}
	}
}
