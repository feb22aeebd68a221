package messages

import (
	"fmt"
	"strings"
	"testing"
)

// countingVisitor counts the items handed over.
type countingVisitor struct{ items int }

func (c *countingVisitor) Syncreq(b []AgentInfoItem) error        { c.items += len(b); return nil }
func (c *countingVisitor) Keepalive(b []AgentKeepaliveItem) error { c.items += len(b); return nil }
func (c *countingVisitor) Status(b []AgentStatusItem) error       { c.items += len(b); return nil }

// BenchmarkWalkKeepalives2000 walks what a worker of 2,000 agents sends at rest every cycle: one
// keepalive item per agent, as a Wazuh worker writes them.
func BenchmarkWalkKeepalives2000(b *testing.B) {
	const n = 2000
	var items strings.Builder
	for i := range n {
		if i > 0 {
			items.WriteString(", ")
		}
		fmt.Fprintf(&items, `{"id": %d, "version": "Wazuh v4.14.7"}`, i+1)
	}
	doc := []byte(`{"chunks": {"syncreq_keepalive": [` + items.String() + `]}, "set_data_command": "global sync-agent-info-set"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		d, err := ScanAgentInfoSync(doc)
		if err != nil {
			b.Fatal(err)
		}
		var c countingVisitor
		if _, err := d.Walk(&c); err != nil || c.items != n {
			b.Fatalf("walked %d items, %v", c.items, err)
		}
	}
}
