package messages

import "time"

// ActorInfo describes one live actor for the node's introspection (the local socket's actors
// listing and its CLI).
type ActorInfo struct {
	Path          string    `json:"path"`
	State         string    `json:"state"`
	UptimeSeconds float64   `json:"uptime_seconds"`
	Received      uint64    `json:"received"`
	MailboxDepth  int64     `json:"mailbox_depth"`
	Restarts      int       `json:"restarts"`
	Incarnations  int       `json:"incarnations"` // times spawned afresh under this path
	LastFailure   string    `json:"last_failure,omitempty"`
	LastFailureAt time.Time `json:"last_failure_at,omitzero"`
}
