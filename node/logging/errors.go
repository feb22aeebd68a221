package logging

import "errors"

var (
	// ErrNoHome refuses Options without a Home: cluster.log has nowhere to go.
	ErrNoHome = errors.New("logging: no home directory given")
	// ErrInvalidDebug refuses a negative debug level.
	ErrInvalidDebug = errors.New("logging: invalid debug level")
	// ErrClosed is returned by writes to cluster.log after its closer has run.
	ErrClosed = errors.New("logging: cluster.log is closed")
)
