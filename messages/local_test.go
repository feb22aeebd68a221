package messages

import (
	"encoding/json"
	"testing"
	"time"
)

func TestActorInfoJSON(t *testing.T) {
	healthy := ActorInfo{Path: "node/peers/worker1", State: "running", UptimeSeconds: 1.5, Received: 7, MailboxDepth: 2}
	got, err := json.Marshal(healthy)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"path":"node/peers/worker1","state":"running","uptime_seconds":1.5,"received":7,"mailbox_depth":2,"restarts":0,"incarnations":0}`
	if string(got) != want {
		t.Errorf("healthy actor:\n got %s\nwant %s", got, want)
	}
	failed := healthy
	failed.Restarts, failed.LastFailure = 1, "boom"
	failed.LastFailureAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	raw, _ := json.Marshal(failed)
	var back ActorInfo
	if err := json.Unmarshal(raw, &back); err != nil || back != failed {
		t.Errorf("round trip = %#v, %v (%s)", back, err, raw)
	}
}
