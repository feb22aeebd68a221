package actors

import (
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// A frame read from the peer while a probe waits answers the probe: the echo's own answer,
// queued behind what the peer sent before it, then settles nothing more.
func TestProbeAnsweredByAnyFrameHeard(t *testing.T) {
	var p linkProbe
	if got := p.heard(); got != nil {
		t.Fatalf("no probe in flight, but hearing a frame settled %d requests", len(got))
	}
	req := &probeLink{reason: "test"}
	p.lastID++
	p.pending = p.lastID
	p.waiting = append(p.waiting, req)
	settled := p.heard()
	if len(settled) != 1 || settled[0] != req {
		t.Fatalf("a frame heard during the probe settled %v, want the one request", settled)
	}
	late := &Response{Frame: messages.Frame{Command: "ok-c"}}
	if got, _ := p.answered(late, probeTag{id: 1}); got != nil {
		t.Fatalf("the echo answered after a frame settled the probe settled %d requests again", len(got))
	}
	if got := p.expired(&probeExpired{id: 1}); got != nil {
		t.Fatalf("the probe's timer after a frame settled it settled %d requests again", len(got))
	}
}

func TestProbeTimeoutBounds(t *testing.T) {
	for _, tc := range []struct{ request, want time.Duration }{
		{20 * time.Second, maxProbeTimeout}, // Wazuh's default timeout_cluster_request
		{2 * time.Second, 500 * time.Millisecond},
		{6 * time.Second, 1500 * time.Millisecond},
		{time.Minute, maxProbeTimeout},
		{100 * time.Millisecond, 100 * time.Millisecond},
	} {
		if got := probeTimeout(Settings{RequestTimeout: tc.request}); got != tc.want {
			t.Errorf("request timeout %s: probe timeout %s, want %s", tc.request, got, tc.want)
		}
	}
}
