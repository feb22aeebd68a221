package control

import (
	"fmt"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// cluster_control -a's reading of the master's answer for 50,000 agents (about 5 MB): the
// whole document decoded as control.py's json.loads with as_wazuh_object, then the table's
// columns taken.
func BenchmarkDecodeAgents50k(b *testing.B) {
	items := make([]any, 50000)
	for i := range items {
		items[i] = messages.Object{{Key: "id", Value: fmt.Sprintf("%03d", i+1)}, {Key: "name", Value: fmt.Sprintf("agent-%06d", i+1)},
			{Key: "ip", Value: "10.0.0.1"}, {Key: "status", Value: "active"}, {Key: "version", Value: "Wazuh v4.14.7"},
			{Key: "node_name", Value: "worker1"}}
	}
	payload := dapi.EncodeResult(dapi.NewWazuhResult(messages.Object{{Key: "items", Value: items}, {Key: "totalItems", Value: len(items)}}))
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := decodeAgents(payload)
		if err != nil || len(doc.Items) != len(items) {
			b.Fatalf("%d items, %v", len(doc.Items), err)
		}
	}
}
