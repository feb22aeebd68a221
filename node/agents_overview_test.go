package node

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
)

// The health's active agents leave the manager out, as Wazuh 4.14.7 counts them
// (get_health: get_agents_overview with q="id!=000").
func TestActiveAgentsByNodeLeavesTheManagerOut(t *testing.T) {
	st, err := wazuhdb.Open(filepath.Join(t.TempDir(), "global.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	a, err := st.AddAgent(ctx, wazuhdb.NewAgent{Name: "web", Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	a.ConnectionStatus, a.NodeName = "active", "worker1"
	if err := st.UpdateAgentInfo(ctx, a); err != nil {
		t.Fatal(err)
	}
	counts, err := agentsOverview{st: st, nodeName: "master-node", version: "4.14.7"}.ActiveAgentsByNode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"worker1": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
}
