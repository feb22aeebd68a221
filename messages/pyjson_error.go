package messages

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSONDecodeError is the error Python's json.loads raises for malformed text, as Wazuh peers
// report it: the DAPI queue answers a request it cannot parse with dapi_err and str(e)
// ("Expecting value: line 1 column 7 (char 6)"). Pos is in characters (code points), as Python
// counts them; Line and Column follow from it.
type JSONDecodeError struct {
	Msg    string
	Pos    int
	Line   int
	Column int
}

// Error is Python's str(JSONDecodeError), or the RecursionError text for nesting too deep.
func (e *JSONDecodeError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s: line %d column %d (char %d)", e.Msg, e.Line, e.Column, e.Pos)
}

// Unwrap makes errors.Is(err, ErrInvalidJSON) hold.
func (e *JSONDecodeError) Unwrap() error { return ErrInvalidJSON }

// PyJSONError returns the error Python 3.10's json.loads would raise for the UTF-8 text p, or
// nil when Python would parse it. It walks the text as CPython's scanner does, so the message
// and the position are Python's. Two differences, both refusals of what Python accepts: NaN,
// Infinity and -Infinity are "Expecting value" (the decoder of this package has no such
// numbers), and nesting deeper than maxJSONDepth containers fails as Python's RecursionError
// does at its default limit (Python's exact depth depends on its call stack). Call it when
// the decoder refused p, to tell the peer what Python would have told it.
func PyJSONError(p []byte) *JSONDecodeError {
	c := pyChecker{s: p}
	if strings.HasPrefix(string(p), "\ufeff") {
		return c.errorAt("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
	}
	i, err := c.value(c.skipSpace(0), 0)
	if err != nil {
		return err
	}
	if i = c.skipSpace(i); i != len(p) {
		return c.errorAt("Extra data", i)
	}
	return nil
}

// pyChecker scans without building values; offsets are byte offsets into s until errorAt
// turns one into Python's character position.
type pyChecker struct {
	s []byte
}

func (c *pyChecker) errorAt(msg string, off int) *JSONDecodeError {
	prefix := c.s[:off]
	pos := utf8.RuneCount(prefix)
	nl := strings.LastIndexByte(string(prefix), '\n')
	line := strings.Count(string(prefix), "\n") + 1
	col := pos + 1
	if nl >= 0 {
		col = pos - utf8.RuneCount(prefix[:nl+1]) + 1
	}
	return &JSONDecodeError{Msg: msg, Pos: pos, Line: line, Column: col}
}

func (c *pyChecker) skipSpace(i int) int {
	for i < len(c.s) {
		switch c.s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (c *pyChecker) has(i int, lit string) bool {
	return len(c.s)-i >= len(lit) && string(c.s[i:i+len(lit)]) == lit
}

// value is scan_once: the end of the value starting at i.
func (c *pyChecker) value(i, depth int) (int, *JSONDecodeError) {
	if i >= len(c.s) {
		return 0, c.errorAt("Expecting value", i)
	}
	switch b := c.s[i]; {
	case b == '"':
		return c.str(i)
	case b == '{' || b == '[':
		if depth >= maxJSONDepth {
			kind := "array"
			if b == '{' {
				kind = "object"
			}
			return 0, &JSONDecodeError{Msg: "maximum recursion depth exceeded while decoding a JSON " + kind + " from a unicode string"}
		}
		if b == '{' {
			return c.object(i+1, depth+1)
		}
		return c.array(i+1, depth+1)
	case b == 'n' && c.has(i, "null"):
		return i + 4, nil
	case b == 't' && c.has(i, "true"):
		return i + 4, nil
	case b == 'f' && c.has(i, "false"):
		return i + 5, nil
	}
	if end, ok := c.number(i); ok {
		return end, nil
	}
	return 0, c.errorAt("Expecting value", i)
}

// number is _match_number: the longest prefix of a JSON number, a fraction or an exponent
// without digits being left for the caller to trip on.
func (c *pyChecker) number(i int) (int, bool) {
	j := i
	if j < len(c.s) && c.s[j] == '-' {
		j++
	}
	switch {
	case j < len(c.s) && c.s[j] >= '1' && c.s[j] <= '9':
		j = c.digits(j + 1)
	case j < len(c.s) && c.s[j] == '0':
		j++
	default:
		return 0, false
	}
	if j+1 < len(c.s) && c.s[j] == '.' && isDigit(c.s[j+1]) {
		j = c.digits(j + 2)
	}
	if j < len(c.s) && (c.s[j] == 'e' || c.s[j] == 'E') {
		k := j + 1
		if k < len(c.s) && (c.s[k] == '-' || c.s[k] == '+') {
			k++
		}
		if end := c.digits(k); end > k {
			j = end
		}
	}
	return j, true
}

func (c *pyChecker) digits(i int) int {
	for i < len(c.s) && isDigit(c.s[i]) {
		i++
	}
	return i
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func (c *pyChecker) object(i, depth int) (int, *JSONDecodeError) {
	i = c.skipSpace(i)
	if i < len(c.s) && c.s[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(c.s) || c.s[i] != '"' {
			return 0, c.errorAt("Expecting property name enclosed in double quotes", i)
		}
		end, err := c.str(i)
		if err != nil {
			return 0, err
		}
		i = c.skipSpace(end)
		if i >= len(c.s) || c.s[i] != ':' {
			return 0, c.errorAt("Expecting ':' delimiter", i)
		}
		if i, err = c.value(c.skipSpace(i+1), depth); err != nil {
			return 0, err
		}
		i = c.skipSpace(i)
		if i < len(c.s) && c.s[i] == '}' {
			return i + 1, nil
		}
		if i >= len(c.s) || c.s[i] != ',' {
			return 0, c.errorAt("Expecting ',' delimiter", i)
		}
		i = c.skipSpace(i + 1)
	}
}

func (c *pyChecker) array(i, depth int) (int, *JSONDecodeError) {
	i = c.skipSpace(i)
	if i < len(c.s) && c.s[i] == ']' {
		return i + 1, nil
	}
	for {
		var err *JSONDecodeError
		if i, err = c.value(i, depth); err != nil {
			return 0, err
		}
		i = c.skipSpace(i)
		if i < len(c.s) && c.s[i] == ']' {
			return i + 1, nil
		}
		if i >= len(c.s) || c.s[i] != ',' {
			return 0, c.errorAt("Expecting ',' delimiter", i)
		}
		i = c.skipSpace(i + 1)
	}
}

// str is scanstring in strict mode, from the opening quote at begin.
func (c *pyChecker) str(begin int) (int, *JSONDecodeError) {
	i := begin + 1
	for {
		if i >= len(c.s) {
			return 0, c.errorAt("Unterminated string starting at", begin)
		}
		switch b := c.s[i]; {
		case b == '"':
			return i + 1, nil
		case b < 0x20:
			return 0, c.errorAt("Invalid control character at", i)
		case b != '\\':
			i++
			continue
		}
		// A backslash at i.
		if i+1 >= len(c.s) {
			return 0, c.errorAt("Unterminated string starting at", begin)
		}
		switch c.s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			end, err := c.unicodeEscape(i + 1)
			if err != nil {
				return 0, err
			}
			i = end
		default:
			return 0, c.errorAt("Invalid \\escape", i)
		}
	}
}

// unicodeEscape checks the four hex digits after the 'u' at u; CPython wants them followed by
// at least one more character (the closing quote at the least).
func (c *pyChecker) unicodeEscape(u int) (int, *JSONDecodeError) {
	end := u + 5
	if end >= len(c.s) {
		return 0, c.errorAt("Invalid \\uXXXX escape", u)
	}
	for _, h := range c.s[u+1 : end] {
		if !isHexDigit(h) {
			return 0, c.errorAt("Invalid \\uXXXX escape", u)
		}
	}
	return end, nil
}
