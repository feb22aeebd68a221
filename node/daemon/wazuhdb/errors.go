package wazuhdb

import "errors"

var (
	// ErrAgentNotFound is returned when an operation names an agent id that has no row.
	ErrAgentNotFound = errors.New("agent not found")
	// ErrDuplicateID is returned by AddAgent when an explicit id is already used by an agent.
	ErrDuplicateID = errors.New("agent id already in use")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("store is closed")
	// ErrBlankFile is returned by Open for a file that exists but holds no table (see Open).
	ErrBlankFile = errors.New("the database file exists but holds nothing")
	// ErrSchemaTooNew is returned by Open when the file was written by a newer schema version.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
	// ErrInvalidAgent is returned when a new agent's fields cannot form a client.keys line.
	ErrInvalidAgent = errors.New("invalid agent")
	// ErrInvalidGroup is returned for a group name Wazuh would refuse, too many groups, or (by
	// GlobalCommands) a group whose folder does not exist.
	ErrInvalidGroup = errors.New("invalid group")
	// ErrInvalidArgument is returned for an unknown mode, condition or status value.
	ErrInvalidArgument = errors.New("invalid argument")
)
