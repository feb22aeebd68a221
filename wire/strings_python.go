package wire

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/clusterd/clusterd/messages"
)

// This file reproduces the few pieces of Python behaviour that show through in the replies of
// Wazuh's sub-protocol handlers: how int() parses a size, how bytes and str print inside an
// exception message, and the JSON that dispatch() sends when a handler raises (§1.6).

// pyExceptionReply is the reply Wazuh's Handler.dispatch sends when a request handler raises a
// plain Python exception: "err" with WazuhInternalError 1000 whose extra_message is the
// exception text.
func pyExceptionReply(message string) (string, []byte) {
	payload := `{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": ` +
		`{"type": "about:blank", "title": "Wazuh Internal Error", "code": 1000, "extra_message": ` +
		pyJSONString(message) +
		`, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}}}}`
	return replyErr, []byte(payload)
}

// pyUnpackError is Python's message for "a, b = data.split(b' ', 1)" on data without a space.
const pyUnpackError = "not enough values to unpack (expected 2, got 1)"

// pyKeyError is str(KeyError(key)) for a bytes key: the key's repr.
func pyKeyError(key []byte) string { return messages.PyBytesRepr(key) }

// pyParseInt parses text the way Python's int() does for base 10 (surrounding whitespace,
// optional sign, single underscores between digits). Values beyond int64 saturate, which is
// enough for comparing against size limits. ok is false where int() raises ValueError.
func pyParseInt(text string) (value int64, ok bool) {
	text = strings.TrimFunc(text, unicode.IsSpace)
	negative := false
	if text != "" && (text[0] == '+' || text[0] == '-') {
		negative = text[0] == '-'
		text = text[1:]
	}
	if text == "" || text[0] == '_' || text[len(text)-1] == '_' {
		return 0, false
	}
	var magnitude uint64
	previousUnderscore := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			if previousUnderscore {
				return 0, false
			}
			previousUnderscore = true
			continue
		case c < '0' || c > '9':
			return 0, false
		}
		previousUnderscore = false
		if magnitude <= (math.MaxInt64-9)/10 {
			magnitude = magnitude*10 + uint64(c-'0')
		} else {
			magnitude = math.MaxInt64
		}
	}
	if negative {
		return -int64(magnitude), true
	}
	return int64(magnitude), true
}

// pyIntBytesError is the ValueError text of int(b'...').
func pyIntBytesError(data []byte) string {
	return "invalid literal for int() with base 10: " + messages.PyBytesRepr(data)
}

// pyIntStrError is the ValueError text of int('...').
func pyIntStrError(text string) string {
	return "invalid literal for int() with base 10: " + messages.PyStrRepr(text)
}

// pyJSONString encodes s as Python's json.dumps does by default (ensure_ascii): unlike
// encoding/json it leaves <, > and & alone and escapes every non-ASCII character. Invalid UTF-8
// becomes U+FFFD, which is what decoding with errors="replace" would have produced.
func pyJSONString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r <= 0xffff):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff:
			high, low := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, high, low)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatDecimal is str(n).encode() for the sizes and ids that travel as ASCII decimals.
func formatDecimal(n int) []byte { return strconv.AppendInt(nil, int64(n), 10) }

// pyUnknownCommandReply is Handler.process_unknown_cmd: "unknown command '<bytes repr>'" (§1.3).
func pyUnknownCommandReply(command string) (string, []byte) {
	return replyErr, []byte("unknown command '" + messages.PyBytesRepr([]byte(command)) + "'")
}

// pyDecodeError approximates the UnicodeDecodeError text of bytes.decode() on invalid UTF-8.
func pyDecodeError(data []byte) string {
	position := 0
	for position < len(data) {
		r, size := utf8.DecodeRune(data[position:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		position += size
	}
	if position >= len(data) {
		return "'utf-8' codec can't decode bytes"
	}
	return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte",
		data[position], position)
}
