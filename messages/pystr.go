package messages

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The functions below reproduce the text Python's str() and repr() give for the values
// json.loads produces (and for the Wazuh objects this package decodes), because Wazuh puts such
// texts on the wire (exception messages, unknown-command answers) and cluster_control prints
// them. A Go map, which has no insertion order, is rendered with its keys sorted.

// PyStr is Python's str(v): a string as is, anything else as PyRepr.
func PyStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case *WazuhError:
		if x != nil {
			return x.Error()
		}
	case time.Time:
		// str(datetime) uses a space, not "T", between date and time.
		return strings.Replace(pyISOFormat(x), "T", " ", 1)
	}
	return PyRepr(v)
}

// PyStrRepr is Python's repr() of a str: single quotes unless s holds a single quote and no
// double quote; non-printable characters escaped ('\n', '\x00', '\u2028').
func PyStrRepr(s string) string {
	return pyQuote(s, false)
}

// PyBytesRepr is Python's repr() of a bytes object, b'...' with every byte outside printable
// ASCII escaped; Wazuh quotes unknown commands that way.
func PyBytesRepr(b []byte) string {
	return pyQuote(string(b), true)
}

// PyRepr is Python's repr(v): None, True, 7, 2.5, 'text', [...], {...}.
func PyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return PyStrRepr(x)
	case json.Number:
		return pyNumberText(x)
	case float64:
		return PyFloatRepr(x)
	case int:
		return strconv.Itoa(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = PyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = PyStrRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Object:
		parts := make([]string, len(x))
		for i, m := range x {
			parts[i] = PyStrRepr(m.Key) + ": " + PyRepr(m.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		return PyRepr(SortedObject(x))
	case *WazuhError:
		if x != nil {
			// WazuhException.__repr__ is repr(self.to_dict()).
			return PyRepr(x.fields())
		}
	case time.Time:
		return pyDatetimeRepr(x)
	case Callable:
		return "<" + x.Type + " " + x.Qualname + ">"
	case WazuhResult:
		return PyRepr(x.wireObject())
	}
	return fmt.Sprint(v)
}

// pyDatetimeRepr is repr() of an aware datetime.datetime; trailing zero fields are left out
// as Python does.
func pyDatetimeRepr(t time.Time) string {
	args := fmt.Sprintf("%d, %d, %d, %d, %d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
	micro := t.Nanosecond() / 1000
	if t.Second() != 0 || micro != 0 {
		args += fmt.Sprintf(", %d", t.Second())
	}
	if micro != 0 {
		args += fmt.Sprintf(", %d", micro)
	}
	_, offset := t.Zone()
	tz := "datetime.timezone.utc"
	if offset != 0 {
		days, secs := offset/86400, offset%86400
		if secs < 0 {
			days, secs = days-1, secs+86400
		}
		delta := fmt.Sprintf("seconds=%d", secs)
		if days != 0 {
			delta = fmt.Sprintf("days=%d, %s", days, delta)
		}
		tz = "datetime.timezone(datetime.timedelta(" + delta + "))"
	}
	return "datetime.datetime(" + args + ", tzinfo=" + tz + ")"
}

// pyNumberText is repr() of what json.loads makes of a number: an int keeps its digits, anything
// with a fraction or an exponent is a float, inf when beyond float range as in Python.
func pyNumberText(n json.Number) string {
	s := string(n)
	if isIntegerLiteral(s) {
		if i, ok := new(big.Int).SetString(s, 10); ok {
			return i.String()
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return s // not a number literal at all: nothing better to show than the text.
	}
	return PyFloatRepr(f)
}

// pyTruthy is Python's bool(v): empty strings, containers, zero and None are false.
func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return err != nil || f != 0
	case float64:
		return x != 0
	case int:
		return x != 0
	case []any:
		return len(x) > 0
	case []string:
		return len(x) > 0
	case Object:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// pyFormatNamed is str.format(**args) for templates that use only named fields ("{node_name}")
// and doubled braces. A field missing from args is left as written.
func pyFormatNamed(template string, args Object) string {
	var out strings.Builder
	for i := 0; i < len(template); i++ {
		c := template[i]
		if (c == '{' || c == '}') && i+1 < len(template) && template[i+1] == c {
			out.WriteByte(c)
			i++
			continue
		}
		if c == '{' {
			if end := strings.IndexByte(template[i:], '}'); end > 0 {
				if v, ok := args.Get(template[i+1 : i+end]); ok {
					out.WriteString(PyStr(v))
					i += end
					continue
				}
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}

// pyQuote is Python's repr of a str (or, with asBytes, of a bytes object holding s): single
// quotes unless the text contains a single quote and no double quote.
func pyQuote(s string, asBytes bool) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var out strings.Builder
	if asBytes {
		out.WriteByte('b')
	}
	out.WriteByte(quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf || asBytes {
			writePyEscapedByte(&out, c, quote)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&out, `\x%02x`, c)
		case unicode.IsPrint(r):
			out.WriteString(s[i : i+size])
		case r <= 0xff:
			fmt.Fprintf(&out, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			fmt.Fprintf(&out, `\U%08x`, r)
		}
		i += size
	}
	out.WriteByte(quote)
	return out.String()
}

func writePyEscapedByte(out *strings.Builder, c, quote byte) {
	switch {
	case c == quote || c == '\\':
		out.WriteByte('\\')
		out.WriteByte(c)
	case c == '\t':
		out.WriteString(`\t`)
	case c == '\n':
		out.WriteString(`\n`)
	case c == '\r':
		out.WriteString(`\r`)
	case c < 0x20 || c >= 0x7f:
		fmt.Fprintf(out, `\x%02x`, c)
	default:
		out.WriteByte(c)
	}
}
