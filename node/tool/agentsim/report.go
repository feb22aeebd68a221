package agentsim

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a snapshot of a simulation.
type Report struct {
	Agents    int
	Connected int
	// PerServer is keyed by server address.
	PerServer map[string]ServerReport
	// Log events: generated = sent + buffered + dropped.
	EventsGenerated         int64
	EventsSent              int64
	EventsBuffered          int64
	EventsDroppedBufferFull int64
	// Failovers counts sessions re-established on a different server after a loss;
	// Reconnects those re-established on the same server.
	Failovers  int64
	Reconnects int64
	// FailoverTimes run from noticing the loss to the next server's ack.
	FailoverTimes []time.Duration
	// MergedPushes counts merged.mg files received and verified (md5);
	// MergedRejected the pushes whose md5 did not match.
	MergedPushes   int64
	MergedRejected int64
}

// ServerReport is one server's share of a Report.
type ServerReport struct {
	Agents      int   // agents connected to it now
	EventsSent  int64 // events written to its sockets
	Acks        int64 // acks received from it (startup and keepalives)
	FailoversIn int64 // failovers that ended on it
}

// Report returns current figures; safe to call while agents run.
func (s *Sim) Report() Report {
	r := Report{Agents: len(s.agents), PerServer: make(map[string]ServerReport, len(s.servers))}
	connected := make([]int, len(s.servers))
	for i := range s.agents {
		a := &s.agents[i]
		if srv := a.server.Load(); srv >= 0 {
			r.Connected++
			connected[srv]++
		}
		r.EventsGenerated += a.generated.Load()
		r.EventsSent += a.sent.Load()
		r.EventsDroppedBufferFull += a.dropped.Load()
	}
	r.EventsBuffered = r.EventsGenerated - r.EventsSent - r.EventsDroppedBufferFull
	for i := range s.servers {
		st := &s.servers[i]
		addr := s.cfg.Servers[i]
		sr := r.PerServer[addr]
		sr.Agents += connected[i]
		sr.EventsSent += st.eventsSent.Load()
		sr.Acks += st.acks.Load()
		sr.FailoversIn += st.failoversIn.Load()
		r.PerServer[addr] = sr
	}
	r.Failovers = s.failovers.Load()
	r.Reconnects = s.reconnects.Load()
	r.MergedPushes = s.mergedPushes.Load()
	r.MergedRejected = s.mergedRejected.Load()
	s.samplesMu.Lock()
	r.FailoverTimes = slices.Clone(s.failoverTimes)
	s.samplesMu.Unlock()
	return r
}

// String renders the report as a small table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "agents %d, connected %d\n", r.Agents, r.Connected)
	fmt.Fprintf(&b, "events generated %d, sent %d, buffered %d, dropped (buffer full) %d\n",
		r.EventsGenerated, r.EventsSent, r.EventsBuffered, r.EventsDroppedBufferFull)
	fmt.Fprintf(&b, "failovers %d%s, reconnects %d\n", r.Failovers, failoverSummary(r.FailoverTimes), r.Reconnects)
	fmt.Fprintf(&b, "merged.mg pushes verified %d, rejected %d\n", r.MergedPushes, r.MergedRejected)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tagents\tevents sent\tacks\tfailovers in\t")
	addrs := make([]string, 0, len(r.PerServer))
	for addr := range r.PerServer {
		addrs = append(addrs, addr)
	}
	slices.Sort(addrs)
	for _, addr := range addrs {
		sr := r.PerServer[addr]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", addr, sr.Agents, sr.EventsSent, sr.Acks, sr.FailoversIn)
	}
	_ = tw.Flush()
	return b.String()
}

// failoverSummary is " (min … p50 … p99 … max …)" of the failover times.
func failoverSummary(times []time.Duration) string {
	if len(times) == 0 {
		return ""
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	at := func(q float64) time.Duration { return sorted[int(q*float64(len(sorted)-1))] }
	return fmt.Sprintf(" (min %v, p50 %v, p99 %v, max %v)",
		sorted[0].Round(time.Millisecond), at(0.5).Round(time.Millisecond),
		at(0.99).Round(time.Millisecond), sorted[len(sorted)-1].Round(time.Millisecond))
}
