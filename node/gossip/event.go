package gossip

import "strconv"

// EventKind says what happened to a member.
type EventKind int

const (
	// EventJoin: a member was seen alive for the first time, or again after failing or leaving.
	EventJoin EventKind = iota + 1
	// EventLeave: a member failed or left; Event.Left tells which.
	EventLeave
	// EventUpdate: a live member changed its Meta (for instance to State "leaving").
	EventUpdate
)

func (k EventKind) String() string {
	switch k {
	case EventJoin:
		return "join"
	case EventLeave:
		return "leave"
	case EventUpdate:
		return "update"
	default:
		return "EventKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Event is one membership change of a peer.
type Event struct {
	Kind EventKind
	Name string
	Addr string // gossip ip:port of the member
	Meta Meta   // last meta the member advertised
	// Left is set on EventLeave when the member announced State "leaving"
	// before going: a graceful leave rather than a failure.
	Left bool
}

// Member is one entry of the membership table.
type Member struct {
	Name  string
	Addr  string // gossip ip:port
	Meta  Meta
	Alive bool // false once failed or left; dead members are forgotten after Timers.GossipToTheDead
}
