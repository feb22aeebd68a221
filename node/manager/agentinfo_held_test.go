package manager

import (
	"reflect"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// A newer row replaces the older of its kind and drops the older rows wazuh-db would apply
// after it; older rows it applies before stay.
func TestHeldAgentInfoMerge(t *testing.T) {
	h := newHeldAgentInfo()
	h.merge(messages.AgentInfoChunks{
		Syncreq:   []messages.AgentInfoItem{{ID: 1, Name: "a", ConnectionStatus: "active"}, {ID: 2, Name: "b"}},
		Keepalive: []messages.AgentKeepaliveItem{{ID: 3, Version: "v1"}},
		Status:    []messages.AgentStatusItem{{ID: 4, ConnectionStatus: "disconnected"}, {ID: 5, ConnectionStatus: "disconnected"}},
	})
	h.merge(messages.AgentInfoChunks{
		Syncreq:   []messages.AgentInfoItem{{ID: 4, Name: "d", ConnectionStatus: "active"}},      // drops 4's status
		Keepalive: []messages.AgentKeepaliveItem{{ID: 5, Version: "v2"}, {ID: 1, Version: "v2"}}, // drops 5's status; keeps 1's syncreq
		Status:    []messages.AgentStatusItem{{ID: 2, ConnectionStatus: "disconnected"}, {ID: 3, ConnectionStatus: "disconnected"}},
	})
	got := h.chunks()
	want := messages.AgentInfoChunks{
		Syncreq:   []messages.AgentInfoItem{{ID: 1, Name: "a", ConnectionStatus: "active"}, {ID: 2, Name: "b"}, {ID: 4, Name: "d", ConnectionStatus: "active"}},
		Keepalive: []messages.AgentKeepaliveItem{{ID: 1, Version: "v2"}, {ID: 3, Version: "v1"}, {ID: 5, Version: "v2"}},
		Status:    []messages.AgentStatusItem{{ID: 2, ConnectionStatus: "disconnected"}, {ID: 3, ConnectionStatus: "disconnected"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged\n%+v\nwant\n%+v", got, want)
	}
	// The size follows the rows: merging the same rows again does not grow it.
	before := h.bytes
	h.merge(want)
	if h.bytes != before || h.agents() != 8 {
		t.Fatalf("bytes %d → %d, %d rows", before, h.bytes, h.agents())
	}
	if c := newHeldAgentInfo().chunks(); c.Syncreq != nil || c.Keepalive != nil || c.Status != nil || c.Count() != 0 {
		t.Fatalf("nothing held: %+v", c)
	}
}
