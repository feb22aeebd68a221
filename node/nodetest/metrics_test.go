package nodetest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/config"
	"github.com/clusterd/clusterd/node/nodetest"
)

// TestMetricsEndpoint: with clusterd.metrics_addr set, every node serves Prometheus metrics
// about its actors, its agent listener and its agents.
func TestMetricsEndpoint(t *testing.T) {
	c := nodetest.Start(t, nodetest.Options{Workers: 1, Tune: func(in *config.Internal) {
		in.Clusterd.MetricsAddr = "127.0.0.1:0"
	}})
	c.WaitConnectedFor(t, 20*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if reply, err := c.Master().Enroll(ctx, "OSSEC A:'metered'"); err != nil || !strings.HasPrefix(reply, "OSSEC K:'") {
		t.Fatalf("enroll: %q, %v", reply, err)
	}
	scrape := func(m *nodetest.Member) string {
		t.Helper()
		resp, err := http.Get(fmt.Sprintf("http://%s/metrics", m.Node().MetricsAddr()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s\n%s", m.Name, resp.Status, body)
		}
		return string(body)
	}
	for _, m := range c.Members() {
		typ := "worker"
		if m == c.Master() {
			typ = "master"
		}
		nodetest.Eventually(t, 20*time.Second, func() error {
			body := scrape(m)
			for _, want := range []string{
				fmt.Sprintf(`clusterd_node_info{node="%s",type="%s",version="4.14.7"} 1`, m.Name, typ),
				`clusterd_actor_messages_received_total{path="`,
				`clusterd_actor_restarts_total{path="`,
				`clusterd_remoted_connections 0`,
				`clusterd_agents{status="never_connected"} 1`,
				`go_goroutines `,
			} {
				if !strings.Contains(body, want) {
					return fmt.Errorf("%s: no %q in\n%.2000s", m.Name, want, body)
				}
			}
			return nil
		})
	}
}
