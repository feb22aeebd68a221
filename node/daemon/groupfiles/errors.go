package groupfiles

import "errors"

var (
	// ErrInvalidGroupName reports a group name or group list Wazuh would refuse; the error's
	// text is Wazuh's own (see GroupNameError).
	ErrInvalidGroupName = errors.New("invalid group name")
	// ErrNotGroupFolder reports a group whose folder is missing or is not a directory.
	ErrNotGroupFolder = errors.New("group folder not found")
	// ErrMergedHeader reports a merged.mg record header that is not "!<size> <name>".
	ErrMergedHeader = errors.New("malformed merged.mg header")
	// ErrMergedTruncated reports a merged.mg record announcing more bytes than the file holds.
	ErrMergedTruncated = errors.New("truncated merged.mg record")
	// ErrMergedUnsafeName reports a merged.mg record whose name would leave the shared folder
	// (absolute, or with a ".." component); the Wazuh agent refuses to unmerge those too.
	ErrMergedUnsafeName = errors.New("unsafe file name in merged.mg")
)
