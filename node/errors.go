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
	// ErrInvalidGroup refuses a group name or a group that does not exist.
	ErrInvalidGroup = errors.New("invalid group")
	// ErrShortPassword refuses an enrollment password of two characters or fewer.
	ErrShortPassword = errors.New("the enrollment password must be longer than two characters")
)
