package integrity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// MarshalPython encodes m as Wazuh writes files_metadata.json: json.dumps with its default
// separators (", " and ": "), floats in Python's repr, each entry's members in walk_dir's order.
// Paths are sorted: Python keeps the order of its os.walk, which nothing else reproduces, and
// no reader depends on it.
func (m Metadata) MarshalPython() []byte {
	return m.appendPython(make([]byte, 0, len(m)*encodedEntrySize+2))
}

// wireFileMeta decodes one entry; the pointers tell a missing or null member from a zero one.
type wireFileMeta struct {
	ModTime        *float64 `json:"mod_time"`
	ClusterItemKey *string  `json:"cluster_item_key"`
	Merged         *bool    `json:"merged"`
	Hash           *string  `json:"hash"`
	MergeType      *string  `json:"merge_type"`
	MergeName      *string  `json:"merge_name"`
}

// ParseMetadata decodes a files_metadata.json holding a node's metadata (what a worker sends
// for an integrity check), with any spacing and member order. Every entry needs mod_time (a
// number), cluster_item_key and hash (strings) and merged (a boolean); merge_type and
// merge_name are optional strings, other members are ignored. Anything else, and any path that
// is empty, absolute, not in clean form or holds ".." or a NUL, is refused with
// ErrInvalidMetadata or ErrInvalidPath. With a duplicated member the last one wins, as in
// Python's json.loads.
func ParseMetadata(p []byte) (Metadata, error) {
	if !isJSONObject(p) {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidMetadata)
	}
	var wire map[string]wireFileMeta
	if err := json.Unmarshal(p, &wire); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
	}
	return metadataFromWire(wire)
}

func metadataFromWire(wire map[string]wireFileMeta) (Metadata, error) {
	m := make(Metadata, len(wire))
	for rel, w := range wire {
		if err := checkMetadataPath(rel); err != nil {
			return nil, err
		}
		f, err := w.fileMeta(rel)
		if err != nil {
			return nil, err
		}
		m[rel] = f
	}
	return m, nil
}

func (w wireFileMeta) fileMeta(rel string) (FileMeta, error) {
	var missing string
	switch {
	case w.ModTime == nil:
		missing = "mod_time"
	case w.ClusterItemKey == nil:
		missing = "cluster_item_key"
	case w.Merged == nil:
		missing = "merged"
	case w.Hash == nil:
		missing = "hash"
	}
	if missing != "" {
		return FileMeta{}, fmt.Errorf("%w: %s has no %s", ErrInvalidMetadata, quotePath(rel), missing)
	}
	f := FileMeta{ModTime: *w.ModTime, ClusterItemKey: *w.ClusterItemKey, Merged: *w.Merged, Hash: *w.Hash}
	if w.MergeType != nil {
		f.MergeType = *w.MergeType
	}
	if w.MergeName != nil {
		f.MergeName = *w.MergeName
	}
	return f, nil
}

// checkMetadataPath refuses a path that could name anything but a file below WAZUH_HOME, or
// two spellings of one file. It is deliberately looser than the package's checkRelPath
// (backslashes and long names pass): one odd file name on a worker must fail that file when
// it is written or deleted, not the worker's whole integrity check.
func checkMetadataPath(rel string) error {
	switch {
	case rel == "":
		return fmt.Errorf("%w: empty path", ErrInvalidPath)
	case strings.IndexByte(rel, 0) >= 0:
		return fmt.Errorf("%w: %s holds a NUL", ErrInvalidPath, quotePath(rel))
	case rel[0] == '/':
		return fmt.Errorf("%w: %s is absolute", ErrInvalidPath, quotePath(rel))
	}
	for part := range strings.SplitSeq(rel, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("%w: %s is not a clean relative path", ErrInvalidPath, quotePath(rel))
		}
	}
	return nil
}

// quotePath quotes a peer-supplied path for an error message, clipped as every peer string
// logged is, so a hostile document cannot make a log line of megabytes or forge one.
func quotePath(rel string) string {
	return strconv.Quote(messages.ClipForLog(rel))
}

// isJSONObject reports whether the first significant byte opens an object: encoding/json
// accepts null for a map and would return an empty one.
func isJSONObject(p []byte) bool {
	p = bytes.TrimLeft(p, " \t\r\n")
	return len(p) > 0 && p[0] == '{'
}
