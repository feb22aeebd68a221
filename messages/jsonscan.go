package messages

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a small recursive-descent JSON parser. encoding/json cannot keep object member
// order except through its Token API, which is several times slower; payloads such as health
// documents and DAPI results are parsed on every request.
type scanner struct {
	data []byte
	pos  int

	// Lists of objects repeat their keys and their size (50,000 agents of six fields in
	// cluster_control -a's answer): keys are kept once, and an object starts with room for as
	// many members as the last one had.
	keys    map[string]string
	lastLen int
}

// maxInternedKeys bounds the keys kept: a document with more distinct keys pays for the rest.
const maxInternedKeys = 1024

// key reads an object key, the string kept once when it has no escapes.
func (s *scanner) key() (string, error) {
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		c := s.data[i]
		if c == '"' {
			if k, ok := s.keys[string(s.data[start:i])]; ok {
				s.pos = i + 1
				return k, nil
			}
			break
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return s.string()
		}
	}
	k, err := s.string()
	if err == nil && len(s.keys) < maxInternedKeys {
		if s.keys == nil {
			s.keys = make(map[string]string)
		}
		s.keys[k] = k
	}
	return k, err
}

func (s *scanner) fail(what string) error {
	if s.pos >= len(s.data) {
		return fmt.Errorf("%w: unexpected end of input, expected %s", ErrInvalidJSON, what)
	}
	return fmt.Errorf("%w: invalid character %q at offset %d, expected %s", ErrInvalidJSON, s.data[s.pos], s.pos, what)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) (any, error) {
	if s.pos >= len(s.data) {
		return nil, s.fail("a value")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if depth >= maxJSONDepth {
			return nil, ErrJSONTooDeep
		}
		return s.object(depth + 1)
	case c == '[':
		if depth >= maxJSONDepth {
			return nil, ErrJSONTooDeep
		}
		return s.array(depth + 1)
	case c == '"':
		return s.string()
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return true, s.literal("true")
	case c == 'f':
		return false, s.literal("false")
	case c == 'n':
		return nil, s.literal("null")
	}
	return nil, s.fail("a value")
}

func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.fail(word)
	}
	s.pos += len(word)
	return nil
}

func (s *scanner) object(depth int) (Object, error) {
	s.pos++ // '{'
	obj := make(Object, 0, s.lastLen)
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return obj, nil
	}
	for {
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return nil, s.fail("an object key")
		}
		key, err := s.key()
		if err != nil {
			return nil, err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return nil, s.fail("':'")
		}
		s.pos++
		s.skipSpace()
		v, err := s.value(depth)
		if err != nil {
			return nil, err
		}
		obj = append(obj, Member{Key: key, Value: v})
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			s.lastLen = min(len(obj), 64)
			return obj, nil
		}
		if s.pos >= len(s.data) || s.data[s.pos] != ',' {
			return nil, s.fail("',' or '}'")
		}
		s.pos++
		s.skipSpace()
	}
}

func (s *scanner) array(depth int) ([]any, error) {
	s.pos++ // '['
	arr := []any{}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return arr, nil
	}
	for {
		v, err := s.value(depth)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == ']' {
			s.pos++
			return arr, nil
		}
		if s.pos >= len(s.data) || s.data[s.pos] != ',' {
			return nil, s.fail("',' or ']'")
		}
		s.pos++
		s.skipSpace()
	}
}

// number accepts exactly RFC 8259's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() (json.Number, error) {
	start := s.pos
	if err := s.numberEnd(); err != nil {
		return "", err
	}
	return json.Number(s.data[start:s.pos]), nil
}

// numberEnd moves past a number.
func (s *scanner) numberEnd() error {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.data) && s.data[s.pos] == '0':
		s.pos++
	case s.digits() == 0:
		return s.fail("a digit")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return s.fail("a digit")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return s.fail("a digit")
		}
	}
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) string() (string, error) {
	s.pos++ // opening quote
	start := s.pos
	// Fast path: no escapes and nothing to replace.
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c == '"' {
			out := string(s.data[start:s.pos])
			s.pos++
			return out, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		s.pos++
	}
	buf := append([]byte(nil), s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return string(buf), nil
		case c < 0x20:
			return "", s.fail("a string character")
		case c == '\\':
			var err error
			if buf, err = s.escape(buf); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			s.pos++
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			buf = utf8.AppendRune(buf, r) // RuneError for invalid bytes, as encoding/json does
			s.pos += size
		}
	}
	return "", s.fail("'\"'")
}

func (s *scanner) escape(buf []byte) ([]byte, error) {
	s.pos++ // backslash
	if s.pos >= len(s.data) {
		return nil, s.fail("an escape")
	}
	c := s.data[s.pos]
	s.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, err := s.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			r = s.lowSurrogate(r)
		}
		return utf8.AppendRune(buf, r), nil
	}
	s.pos--
	return nil, s.fail("an escape")
}

// lowSurrogate completes a high surrogate with a following \uXXXX low surrogate; a lone
// surrogate decodes to U+FFFD and the following escape, if any, is left for the caller.
func (s *scanner) lowSurrogate(high rune) rune {
	if s.pos+6 <= len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
		save := s.pos
		s.pos += 2
		if low, err := s.hex4(); err == nil {
			if r := utf16.DecodeRune(high, low); r != utf8.RuneError {
				return r
			}
		}
		s.pos = save
	}
	return utf8.RuneError
}

func (s *scanner) hex4() (rune, error) {
	if len(s.data)-s.pos < 4 {
		s.pos = len(s.data)
		return 0, s.fail("4 hex digits")
	}
	n, err := strconv.ParseUint(string(s.data[s.pos:s.pos+4]), 16, 16)
	if err != nil {
		return 0, s.fail("4 hex digits")
	}
	s.pos += 4
	return rune(n), nil
}

// skipValue moves past one value, checking it exactly as value would but keeping nothing: a
// document's parts are located in one pass over its bytes, without a copy of them in Go values.
func (s *scanner) skipValue(depth int) error {
	if s.pos >= len(s.data) {
		return s.fail("a value")
	}
	switch c := s.data[s.pos]; {
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return ErrJSONTooDeep
		}
		if c == '{' {
			return s.skipObject(depth + 1)
		}
		return s.skipArray(depth + 1)
	case c == '"':
		return s.skipString()
	case c == '-' || c >= '0' && c <= '9':
		return s.numberEnd()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.fail("a value")
}

func (s *scanner) skipObject(depth int) error {
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		if err := s.skipMemberKey(); err != nil {
			return err
		}
		if err := s.skipValue(depth); err != nil {
			return err
		}
		if done, err := s.nextMember('}'); done || err != nil {
			return err
		}
	}
}

// skipMemberKey moves past an object key and its ':', and the spaces after it.
func (s *scanner) skipMemberKey() error {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return s.fail("an object key")
	}
	if err := s.skipString(); err != nil {
		return err
	}
	return s.colon()
}

// colon moves past the ':' after a key, and the spaces around it.
func (s *scanner) colon() error {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return s.fail("':'")
	}
	s.pos++
	s.skipSpace()
	return nil
}

// nextMember moves past the ',' between two members or elements, or the closing character
// that ends them (done).
func (s *scanner) nextMember(closing byte) (done bool, err error) {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == closing {
		s.pos++
		return true, nil
	}
	if s.pos >= len(s.data) || s.data[s.pos] != ',' {
		return false, s.fail("',' or '" + string(closing) + "'")
	}
	s.pos++
	s.skipSpace()
	return false, nil
}

func (s *scanner) skipArray(depth int) error {
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		if err := s.skipValue(depth); err != nil {
			return err
		}
		if done, err := s.nextMember(']'); done || err != nil {
			return err
		}
	}
}

// skipString moves past a string, refusing what string refuses: a control character, a bad
// escape, a missing closing quote.
func (s *scanner) skipString() error {
	s.pos++ // opening quote
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return nil
		case c < 0x20:
			return s.fail("a string character")
		case c == '\\':
			if err := s.skipEscape(); err != nil {
				return err
			}
		default:
			s.pos++
		}
	}
	return s.fail("'\"'")
}

func (s *scanner) skipEscape() error {
	s.pos++ // backslash
	if s.pos >= len(s.data) {
		return s.fail("an escape")
	}
	switch s.data[s.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos++
		return nil
	case 'u':
		s.pos++
		if len(s.data)-s.pos < 4 {
			s.pos = len(s.data)
			return s.fail("4 hex digits")
		}
		for _, h := range s.data[s.pos : s.pos+4] {
			if !isHexDigit(h) {
				return s.fail("4 hex digits")
			}
		}
		s.pos += 4
		return nil
	}
	return s.fail("an escape")
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
