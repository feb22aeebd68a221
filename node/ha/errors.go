package ha

import "errors"

var (
	// ErrNotLeader refuses a proposal on a member that is not the acting master.
	ErrNotLeader = errors.New("not the acting master")
	// ErrStopped refuses a proposal on a member that is stopping, or ends its wait.
	ErrStopped = errors.New("replication stopped")
	// ErrUnknownCommand is an FSM's answer to an entry it does not know.
	ErrUnknownCommand = errors.New("unknown replicated command")
	// errNotRaft ends a replication connection that sent something else than a raft message
	// for this member from another member.
	errNotRaft = errors.New("not a raft message for this member")
	// ErrInvalidConfig refuses a member configuration.
	ErrInvalidConfig = errors.New("invalid replication configuration")
)
