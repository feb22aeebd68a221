package integrity

import (
	"bytes"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// encodedEntrySize is about what one entry takes in files_metadata.json (path, a 128-digit
// hash and the fixed members), to size the buffer once.
const encodedEntrySize = 320

// appendPython writes m as one JSON object with sorted paths. It writes directly into b
// instead of building a generic document for messages.EncodeJSON: a worker encodes its whole
// metadata for every integrity check, tens of thousands of entries on a large manager.
func (m Metadata) appendPython(b []byte) []byte {
	b = append(b, '{')
	for i, rel := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPythonString(b, rel)
		b = append(b, ": "...)
		b = m[rel].appendPython(b)
	}
	return append(b, '}')
}

// appendPython lays an entry out as walk_dir builds its dict: mod_time and cluster_item_key,
// then merged (with merge_type and merge_name for a legacy merged file), then hash.
func (f FileMeta) appendPython(b []byte) []byte {
	b = append(b, `{"mod_time": `...)
	b = appendPythonFloat(b, f.ModTime)
	b = append(b, `, "cluster_item_key": `...)
	b = appendPythonString(b, f.ClusterItemKey)
	b = append(b, `, "merged": `...)
	b = strconv.AppendBool(b, f.Merged)
	if f.Merged || f.MergeType != "" || f.MergeName != "" {
		b = append(b, `, "merge_type": `...)
		b = appendPythonString(b, f.MergeType)
		b = append(b, `, "merge_name": `...)
		b = appendPythonString(b, f.MergeName)
	}
	b = append(b, `, "hash": `...)
	b = appendPythonString(b, f.Hash)
	return append(b, '}')
}

// appendPythonString writes s as json.dumps does. Printable ASCII without quote or backslash
// (every path Wazuh ships, every hash) is copied as it is; anything else is escaped by
// messages.EncodeJSON, which implements Python's rules.
func appendPythonString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return append(b, messages.EncodeJSON(s)...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendPythonFloat writes f as Python's repr does. In the range Python writes in fixed
// notation (decimal exponent from -4 to 15, where every mtime lies) that is the shortest digits
// that read back as f, with at least one decimal; zeros, infinities and the other magnitudes
// are left to messages.EncodeJSON.
func appendPythonFloat(b []byte, f float64) []byte {
	if abs := math.Abs(f); !(abs >= 1e-4 && abs < 1e16) {
		return append(b, messages.EncodeJSON(f)...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	if bytes.IndexByte(b[start:], '.') < 0 {
		b = append(b, ".0"...)
	}
	return b
}
