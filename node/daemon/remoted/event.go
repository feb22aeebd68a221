package remoted

import (
	"strings"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// handleEvent archives an event message in the form remoted forwards it to
// analysisd. It blocks while the archive queue is full: TCP back-pressure
// instead of a drop.
func (s *Server) handleEvent(a *agent, k *agentKey, msg []byte) {
	ev, err := agentproto.ParseEvent(msg)
	if err != nil {
		s.totals.badEvents.Add(1)
		s.limited.warn("bad-event", "agent %s (%s): %v", k.idStr, k.name, err)
		return
	}
	a.received.Add(1)
	s.totals.eventsReceived.Add(1)
	if strings.HasPrefix(ev.Location, "keepalive") {
		return
	}
	s.archiveLine(a, ev.ForAnalysis(k.idStr, k.name, k.ip))
}

// archiveLine queues one analysis line (without its newline) for the
// archive; a is the agent it counts for (nil: remoted's own line).
func (s *Server) archiveLine(a *agent, line string) {
	it := archiveItem{line: line, agent: a}
	// Only a full queue may lose the line to Stop.
	select {
	case s.arch.in <- it:
		return
	default:
	}
	select {
	case s.arch.in <- it:
	case <-s.quit:
	}
}
