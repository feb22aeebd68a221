package messages

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// EncodeJSON encodes v exactly as Python's json.dumps(v, cls=WazuhJSONEncoder) does with its
// default settings: separators ", " and ": ", non-ASCII escaped as lowercase \uXXXX, floats in
// Python's repr form. Object keeps member order; Go maps are written with sorted keys (Python
// would use insertion order, which a map does not have). *WazuhError, time.Time, Callable and
// WazuhResult are written in their Wazuh JSON shapes (§1.6).
func EncodeJSON(v any) []byte {
	return appendPyJSON(nil, v)
}

func appendPyJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if x {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case string:
		return appendPyString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float64:
		return appendPyFloat(b, x)
	case json.Number:
		return appendPyNumber(b, x)
	case json.RawMessage:
		return appendRawJSON(b, x)
	case Object:
		return appendPyObject(b, x)
	case []any:
		return appendPyList(b, len(x), func(b []byte, i int) []byte { return appendPyJSON(b, x[i]) })
	case []string:
		return appendPyList(b, len(x), func(b []byte, i int) []byte { return appendPyString(b, x[i]) })
	case []int:
		return appendPyList(b, len(x), func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(x[i]), 10) })
	case map[string]any:
		return appendPyObject(b, SortedObject(x))
	case map[string]string:
		return appendPyObject(b, SortedObject(x))
	case map[string]int:
		return appendPyObject(b, SortedObject(x))
	case *WazuhError:
		if x == nil {
			return append(b, "null"...)
		}
		return appendPyObject(b, x.wireObject())
	case time.Time:
		return appendPyObject(b, Object{{Key: "__wazuh_datetime__", Value: pyISOFormat(x)}})
	case Callable:
		return appendPyObject(b, x.wireObject())
	case WazuhResult:
		return appendPyObject(b, x.wireObject())
	}
	return appendForeign(b, v)
}

// appendForeign writes a value of a type this encoder does not know by going through
// encoding/json, so the result is still valid Python-style JSON; a value encoding/json refuses
// becomes its fmt text, because encoding must never fail.
func appendForeign(b []byte, v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		return appendPyString(b, fmt.Sprint(v))
	}
	return appendRawJSON(b, raw)
}

// appendRawJSON re-encodes a JSON document in Python's style; text that is not JSON is written
// as a JSON string so the output stays well-formed.
func appendRawJSON(b []byte, raw []byte) []byte {
	v, err := decodeOrdered(raw)
	if err != nil {
		return appendPyString(b, string(raw))
	}
	return appendPyJSON(b, v)
}

// SortedObject is m as an Object with its keys sorted, as a JSON writer that sorts keys (Python's
// sort_keys, nlohmann's std::map) writes it.
func SortedObject[V any](m map[string]V) Object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := make(Object, 0, len(keys))
	for _, k := range keys {
		o = append(o, Member{Key: k, Value: m[k]})
	}
	return o
}

func appendPyObject(b []byte, o Object) []byte {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPyString(b, m.Key)
		b = append(b, ": "...)
		b = appendPyJSON(b, m.Value)
	}
	return append(b, '}')
}

func appendPyList(b []byte, n int, elem func([]byte, int) []byte) []byte {
	b = append(b, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = elem(b, i)
	}
	return append(b, ']')
}

const lowerHex = "0123456789abcdef"

// appendPyString escapes like Python's encode_basestring_ascii: only ' '..'~' pass through
// (minus '"' and '\\'); everything else becomes a short escape or \uXXXX, astral runes as a
// surrogate pair. Invalid UTF-8 bytes, which a Python str cannot hold, become \ufffd.
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = appendASCIIEscaped(b, c, true)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			b = appendUEscape(appendUEscape(b, r1), r2)
		} else {
			b = appendUEscape(b, r)
		}
		i += size
	}
	return append(b, '"')
}

// appendASCIIEscaped appends the ASCII byte c as both JSON writers quote it: '"', '\\' and the
// control characters escaped (the short forms where JSON has them), DEL too when escapeDEL
// (Python's ensure_ascii), everything else as is.
func appendASCIIEscaped(b []byte, c byte, escapeDEL bool) []byte {
	switch c {
	case '"':
		return append(b, '\\', '"')
	case '\\':
		return append(b, '\\', '\\')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	if c < 0x20 || (escapeDEL && c == 0x7f) {
		return appendUEscape(b, rune(c))
	}
	return append(b, c)
}

func appendUEscape(b []byte, r rune) []byte {
	return append(b, '\\', 'u', lowerHex[r>>12&0xf], lowerHex[r>>8&0xf], lowerHex[r>>4&0xf], lowerHex[r&0xf])
}

// appendPyNumber writes a number read from JSON the way Python would write it back after
// json.loads: integers keep their digits (Python ints are unbounded), anything with a fraction
// or exponent becomes a float in repr form. A literal beyond float64 range is kept as written:
// Python would write Infinity, which standard JSON parsers (ours included) refuse.
func appendPyNumber(b []byte, n json.Number) []byte {
	s := string(n)
	if isIntegerLiteral(s) {
		if i, ok := new(big.Int).SetString(s, 10); ok {
			return i.Append(b, 10)
		}
		return appendPyString(b, s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if math.IsInf(f, 0) && json.Valid([]byte(s)) {
			return append(b, s...)
		}
		return appendPyString(b, s)
	}
	return appendPyFloat(b, f)
}

func appendPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	return append(b, PyFloatRepr(f)...)
}

// pyISOFormat renders t as Python's datetime.isoformat() of an aware datetime: microseconds
// only when non-zero, offset as ±HH:MM.
func pyISOFormat(t time.Time) string {
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05-07:00")
	}
	return t.Format("2006-01-02T15:04:05.000000-07:00")
}
