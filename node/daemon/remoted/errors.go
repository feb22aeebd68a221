package remoted

import "errors"

var (
	// ErrStarted is returned by Start when the server was already started.
	ErrStarted = errors.New("remoted: already started")
	// ErrNotStarted is returned by Stop when Start was never called.
	ErrNotStarted = errors.New("remoted: not started")
	// ErrBadConfig is returned by New for an unusable Config.
	ErrBadConfig = errors.New("remoted: bad config")
)

var (
	// errNoArchiveFile: the archive file could not be (re)opened; writes are retried.
	errNoArchiveFile = errors.New("archive file is not open")
	// errArchiveLost: Stop gave up writing the archive's last lines.
	errArchiveLost = errors.New("archive lines lost")
)
