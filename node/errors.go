package node

import "errors"

var (
	// ErrClusterDisabled is returned when ossec.conf disables the cluster; the daemon exits 0.
	ErrClusterDisabled = errors.New("cluster is disabled")
	// ErrInvalidConfig wraps every configuration problem found at start.
	ErrInvalidConfig = errors.New("invalid cluster configuration")
	// ErrNotStarted is returned by Stop on a node that never started.
	ErrNotStarted = errors.New("node not started")
	// ErrUnknownDaemon refuses a sendsync request for a daemon the master does not serve.
	ErrUnknownDaemon = errors.New("unknown daemon")
	// ErrDaemonUnavailable refuses a sendsync request for a daemon this node did not start.
	ErrDaemonUnavailable = errors.New("daemon not available")
	// ErrDamagedStore stops a node whose agent database file exists but lost what it held.
	ErrDamagedStore = errors.New("the agent database is damaged")
	// ErrGroupsHeld keeps a master's agent-groups from the workers while its memberships are
	// unconfirmed (see groupsHold).
	ErrGroupsHeld = errors.New("agent-groups held")
	// ErrReplicationConfig refuses a replicated master (several master-eligible nodes) whose
	// configuration does not say which of <nodes> this node is.
	ErrReplicationConfig = errors.New("invalid replicated master configuration")
	// ErrNotActingMaster refuses a change of the master's state on a master-eligible node that
	// is not (or no longer) the acting master.
	ErrNotActingMaster = errors.New("this node is not the acting master")
	// ErrShortPassword refuses an enrollment password of two characters or fewer.
	ErrShortPassword = errors.New("the enrollment password must be longer than two characters")
)
