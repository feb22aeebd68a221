package remoted

import (
	"sort"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of the server's counters.
type Stats struct {
	Agents []AgentStats // sorted by id; agents of the current client.keys

	Connections     int    // open TCP connections
	EventsReceived  uint64 // event messages from agents
	EventsArchived  uint64 // agents' events written to the archive
	ArchiveLines    uint64 // lines written, remoted's own included
	ArchiveQueued   int    // lines waiting for the writer
	ArchiveErrors   uint64 // failed archive writes (retried)
	Startups        uint64
	Keepalives      uint64
	Pushes          uint64 // merged.mg pushes sent
	UDPDatagrams    uint64
	UnknownAgent    uint64 // messages from no known agent (dropped)
	DecryptErrors   uint64 // messages that did not decrypt (dropped)
	KeyInUse        uint64 // connections refused: key in use elsewhere
	BadEvents       uint64 // event messages that did not parse (dropped)
	PackagesDropped uint64 // replies dropped on a full send queue

	// TCP connections closed by the bounds on descriptors.
	ConnectionsRefused uint64 // closed at once: MaxConnections were open
	IdleClosed         uint64 // no agent message within IdentifyTimeout
}

// AgentStats are one agent's counters on this node.
type AgentStats struct {
	ID             int
	Name           string
	EventsReceived uint64
	EventsArchived uint64
	LastMessage    time.Time // zero: nothing received since start
	Connected      bool      // has a live TCP connection or a UDP reply address
}

type totals struct {
	connections     atomic.Int64
	eventsReceived  atomic.Uint64
	startups        atomic.Uint64
	keepalives      atomic.Uint64
	pushes          atomic.Uint64
	udpDatagrams    atomic.Uint64
	unknownAgent    atomic.Uint64
	decryptErrors   atomic.Uint64
	keyInUse        atomic.Uint64
	badEvents       atomic.Uint64
	packagesDropped atomic.Uint64

	refused    atomic.Uint64
	idleClosed atomic.Uint64
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Connections:     int(s.totals.connections.Load()),
		EventsReceived:  s.totals.eventsReceived.Load(),
		ArchiveLines:    s.arch.linesWritten.Load(),
		ArchiveQueued:   len(s.arch.in),
		ArchiveErrors:   s.arch.writeErrors.Load(),
		Startups:        s.totals.startups.Load(),
		Keepalives:      s.totals.keepalives.Load(),
		Pushes:          s.totals.pushes.Load(),
		UDPDatagrams:    s.totals.udpDatagrams.Load(),
		UnknownAgent:    s.totals.unknownAgent.Load(),
		DecryptErrors:   s.totals.decryptErrors.Load(),
		KeyInUse:        s.totals.keyInUse.Load(),
		BadEvents:       s.totals.badEvents.Load(),
		PackagesDropped: s.totals.packagesDropped.Load(),
	}
	st.ConnectionsRefused, st.IdleClosed = s.totals.refused.Load(), s.totals.idleClosed.Load()
	for _, a := range s.keys.Load().agents() {
		k := a.key.Load()
		t := a.target()
		as := AgentStats{
			ID:             k.id,
			Name:           k.name,
			EventsReceived: a.received.Load(),
			EventsArchived: a.archived.Load(),
			Connected:      (t.conn != nil && !t.conn.closed()) || t.udpAddr.IsValid(),
		}
		if t.lastMsg != 0 {
			as.LastMessage = time.Unix(0, t.lastMsg)
		}
		st.EventsArchived += as.EventsArchived
		st.Agents = append(st.Agents, as)
	}
	sort.Slice(st.Agents, func(i, j int) bool { return st.Agents[i].ID < st.Agents[j].ID })
	return st
}
