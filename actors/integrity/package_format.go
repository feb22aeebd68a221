package integrity

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The package ("zip") layout of §5.3, Wazuh's cluster.py PATH_SEP and FILE_SEP:
//
//	<path> |//@@//| zlib(file) |@@//@@| ... <path> |//@@//| zlib(file) |@@//@@|
//	files_metadata.json |//@@//| zlib(json)
//
// Wazuh's reader splits the whole package on the entry separator, then each piece once on the
// path separator. The format cannot escape either sequence, so a compressed body that happens to
// contain the entry separator would be cut in two: the writer recompresses such a file at other
// levels (and gives up with ErrSeparatorInData), and the reader refuses what it cannot parse
// unambiguously (the piece without a path separator, or a zlib stream followed by extra bytes)
// instead of writing garbage.
const (
	pathSeparator  = "|//@@//|"
	entrySeparator = "|@@//@@|"
	metadataMember = "files_metadata.json"
)

// Bounds on a member name; Linux's PATH_MAX and NAME_MAX.
const (
	maxPathLen      = 4096
	maxComponentLen = 255
)

// checkRelPath refuses a path relative to WAZUH_HOME (or to an extraction folder) that could
// name anything but a file below it: it must be clean, slash-separated, relative, valid UTF-8
// (Python decodes member names as UTF-8), and free of NUL and backslashes.
func checkRelPath(rel string) error {
	if rel == "" || len(rel) > maxPathLen {
		return fmt.Errorf("%w: %d bytes", ErrInvalidPath, len(rel))
	}
	if !utf8.ValidString(rel) {
		return fmt.Errorf("%w: %s is not UTF-8", ErrInvalidPath, quotePath(rel))
	}
	if strings.ContainsAny(rel, "\x00\\") {
		return fmt.Errorf("%w: %s holds a NUL or a backslash", ErrInvalidPath, quotePath(rel))
	}
	if strings.HasPrefix(rel, "/") {
		return fmt.Errorf("%w: %s is absolute", ErrInvalidPath, quotePath(rel))
	}
	for part := range strings.SplitSeq(rel, "/") {
		if part == "" || part == "." || part == ".." || len(part) > maxComponentLen {
			return fmt.Errorf("%w: %s", ErrInvalidPath, quotePath(rel))
		}
	}
	return nil
}

// checkMemberName refuses a name that checkRelPath refuses or that would not survive the
// package layout: followed by the path separator, the first path separator must be that one,
// and no entry separator may appear.
func checkMemberName(rel string) error {
	if err := checkRelPath(rel); err != nil {
		return err
	}
	head := rel + pathSeparator
	if strings.Index(head, pathSeparator) != len(rel) || strings.Contains(head, entrySeparator) {
		return fmt.Errorf("%w: %s holds a package separator", ErrInvalidPath, quotePath(rel))
	}
	return nil
}
