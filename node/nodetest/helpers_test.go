package nodetest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/node/nodetest"
	"github.com/clusterd/clusterd/node/tool/control"
)

// kill uses the node's introspection socket, as actorctl does.
func kill(m *nodetest.Member, path, mode string) error {
	body, _ := json.Marshal(actors.KillRequest{Path: path, Mode: mode})
	cl := &control.Client{SocketPath: m.Node().Settings().ControlSocketPath()}
	_, err := cl.Do(context.Background(), actors.CmdKill, body)
	return err
}

// clusterControl runs the cluster_control logic against a member and returns its output.
func clusterControl(t testing.TB, m *nodetest.Member, args ...string) string {
	t.Helper()
	var out, errOut strings.Builder
	code := control.Run(context.Background(), "cluster_control", append([]string{"--home", m.Home}, args...), &out, &errOut)
	if code != 0 {
		t.Fatalf("cluster_control %v exited %d: %s", args, code, errOut.String())
	}
	return out.String()
}
