package integrity

import "errors"

// Sentinel errors of the package format (writer and reader) and of applying a master's package.
// Wazuh's numbered errors (3007, 3053) are *messages.WazuhError values instead, so that they
// reach the peer with their code.
var (
	// ErrInvalidPath refuses a file path that is empty, absolute, has "." or ".." or empty
	// components, a NUL, a backslash, invalid UTF-8, a package separator, or is too long.
	ErrInvalidPath = errors.New("invalid file path")

	// ErrInvalidLevel refuses a compression level zlib does not have.
	ErrInvalidLevel = errors.New("invalid compression level")

	// ErrFileTooLarge skips a file larger than the package limit (Wazuh: "File too large to be
	// synced").
	ErrFileTooLarge = errors.New("file too large to be synced")

	// ErrZipLimitReached refuses an entry that would push the package over its limit, and every
	// entry after it (Wazuh: "Maximum zip size exceeded").
	ErrZipLimitReached = errors.New("maximum zip size exceeded")

	// ErrUnreadableFile is a file that is missing, not a regular file, or failed to read.
	ErrUnreadableFile = errors.New("file could not be read")

	// ErrSeparatorInData is a file whose compressed bytes contain the package separator at every
	// compression level tried: Wazuh's reader would split it in two, so it cannot be sent.
	ErrSeparatorInData = errors.New("compressed data contains the package separator")

	// ErrPackageWrite is a failure to write the package itself; the writer is unusable after it.
	ErrPackageWrite = errors.New("writing the package")

	// ErrWriterClosed is any use of a PackageWriter after Close.
	ErrWriterClosed = errors.New("package writer closed")

	// ErrInvalidLimit refuses a non-positive bound on the decompressed size.
	ErrInvalidLimit = errors.New("invalid decompression limit")

	// ErrMalformedPackage is a package that does not follow the entry layout: empty, a member
	// without the path separator, a trailing separator, a name too long.
	ErrMalformedPackage = errors.New("malformed package")

	// ErrCorruptMember is a member whose body is not exactly one valid zlib stream (bad header,
	// truncated, wrong Adler-32, data after the end of the stream).
	ErrCorruptMember = errors.New("corrupt package member")

	// ErrDuplicateMember is a package naming the same file twice.
	ErrDuplicateMember = errors.New("duplicate package member")

	// ErrNoMetadata is a package without its files_metadata.json member.
	ErrNoMetadata = errors.New("package has no " + metadataMember)

	// ErrInvalidItemKey is a metadata entry whose cluster_item_key is not in the files table.
	ErrInvalidItemKey = errors.New("invalid cluster_item_key")

	// ErrOutsideAllowedDir is a destination that does not resolve under its item's folder.
	ErrOutsideAllowedDir = errors.New("file path outside allowed directory")

	// ErrNotSynchronised is a path the item does not select (excluded name or extension, a
	// basename the item does not take, a subfolder of a non-recursive item).
	ErrNotSynchronised = errors.New("file is not synchronised by its cluster item")

	// ErrNotInPackage is a missing or shared entry whose file the package did not carry.
	ErrNotInPackage = errors.New("file not found in the package")

	// ErrMergedUnsupported is a legacy merged entry (§5.9), which 4.x masters never send.
	ErrMergedUnsupported = errors.New("merged entries are not supported")

	// ErrIsDirectory is an extra entry naming a folder instead of a file.
	ErrIsDirectory = errors.New("is a directory")

	// ErrExcludedFile is a file in excluded_files/excluded_extensions received from a worker.
	ErrExcludedFile = errors.New("excluded file received from a worker")
)

// errParentNotFolder is a path one of whose parents is not a folder: nothing to remove there,
// and nowhere to write.
var errParentNotFolder = errors.New("a parent is not a folder")

// Sentinel errors of scanning, hashing and metadata decoding (a bad path in metadata is
// ErrInvalidPath, shared with the package code). Callers test them with errors.Is; the returned
// errors wrap them with the path or member concerned.
var (
	// ErrHomeNotDir refuses a scan whose WAZUH_HOME is missing or not a directory: an empty
	// result would tell every worker to delete all its synchronised files.
	ErrHomeNotDir = errors.New("WAZUH_HOME is not a directory")
	// ErrSymlinkedFolder reports a synchronised folder that is a symbolic link; it is skipped,
	// because files written into it from peer data would land outside WAZUH_HOME.
	ErrSymlinkedFolder = errors.New("synchronised folder is a symbolic link")
	// ErrNotRegular refuses to hash a symbolic link, a directory or a special file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrInvalidMetadata reports a files_metadata.json that is not the JSON object Wazuh writes,
	// or an entry with a missing member or a member of the wrong type.
	ErrInvalidMetadata = errors.New("invalid files metadata")
	// ErrDiffOverlap reports a path listed in more than one of missing, extra and shared, which
	// compare_files never produces.
	ErrDiffOverlap = errors.New("path listed in more than one section")
)

// errScanCancelled stops hashing a file mid-way when the scan's context ends; Scan reports the
// context's own error instead.
var errScanCancelled = errors.New("scan cancelled")
