package config

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Entities Wazuh's load_wazuh_xml leaves alone; every other "&" is text. "backslash" is Wazuh's
// own entity, declared in the DOCTYPE it prepends.
var knownEntities = [][]byte{
	[]byte("amp;"), []byte("lt;"), []byte("gt;"), []byte("apos;"), []byte("quot;"), []byte("backslash;"),
}

var (
	commentOpen  = []byte("<!--")
	commentClose = []byte("-->")
)

// sanitizeOSSECConf rewrites ossec.conf the way Wazuh's load_wazuh_xml (framework/wazuh/core/utils.py)
// does before handing it to an XML parser, so that every file Wazuh reads is read here too:
//   - "--" inside a comment becomes "..";
//   - a "<" that does not open a tag or a comment becomes "&lt;";
//   - an "&" that does not start a known entity becomes "&amp;".
//
// Comments are copied otherwise untouched: Wazuh escapes inside them as well, which changes
// nothing once the comment is dropped.
func sanitizeOSSECConf(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/32)
	tags := tagScanner{data: data, stop: -1}
	for i := 0; i < len(data); {
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, commentOpen):
			end := bytes.Index(rest[len(commentOpen):], commentClose)
			if end < 0 {
				// An unterminated comment is left for the decoder to report.
				return append(out, rest...)
			}
			body := rest[len(commentOpen) : len(commentOpen)+end]
			out = append(out, commentOpen...)
			out = append(out, bytes.ReplaceAll(body, []byte("--"), []byte(".."))...)
			out = append(out, commentClose...)
			i += len(commentOpen) + end + len(commentClose)
		case rest[0] == '<' && !tags.opensTag(i+1):
			out = append(out, "&lt;"...)
			i++
		case rest[0] == '&' && !startsKnownEntity(rest[1:]):
			out = append(out, "&amp;"...)
			i++
		default:
			out = append(out, rest[0])
			i++
		}
	}
	return out
}

// tagScanner answers opensTag for positions that only move forward, remembering where the
// next ">" or newline is so that a long line full of "<" costs linear time, not quadratic.
type tagScanner struct {
	data []byte
	stop int // first ">" or "\n" at or after the last position asked about; len(data) if none
}

// opensTag reports whether the text at pos, just after a "<", matches Wazuh's `/?\w+.+>` on the
// same line: an optional slash, a word character, at least one more character, then a ">"
// before the newline.
func (s *tagScanner) opensTag(pos int) bool {
	if pos < len(s.data) && s.data[pos] == '/' {
		pos++
	}
	r, size := utf8.DecodeRune(s.data[pos:])
	if size == 0 || !isWordRune(r) {
		return false
	}
	pos += size
	if pos >= len(s.data) || s.data[pos] == '\n' {
		return false
	}
	stop := s.nextStop(pos + 1)
	return stop < len(s.data) && s.data[stop] == '>'
}

func (s *tagScanner) nextStop(from int) int {
	if s.stop >= from {
		return s.stop
	}
	s.stop = from
	for s.stop < len(s.data) && s.data[s.stop] != '>' && s.data[s.stop] != '\n' {
		s.stop++
	}
	return s.stop
}

// isWordRune is Python's \w for str patterns: letters, digits and the underscore.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func startsKnownEntity(rest []byte) bool {
	for _, entity := range knownEntities {
		if bytes.HasPrefix(rest, entity) {
			return true
		}
	}
	return false
}
