package wdb

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrBind is a statement whose arguments cannot be written into it: a count that does not
// match its placeholders, a value of no SQL type, or text wazuh-db would cut (a NUL byte).
var ErrBind = errors.New("cannot bind the statement's arguments")

// BindArgs writes args into statement in place of its "?" placeholders, as SQL literals:
// `global sql` takes one statement as text and no parameters, so the values a caller would
// bind travel inside it. Integers and floats are written as numbers, text between single
// quotes with every quote doubled, nil as NULL. A "?" inside a string literal, a quoted
// identifier or a comment is not a placeholder. Numbered placeholders (?1, :name) are
// refused: the statements clusterd writes use none.
func BindArgs(statement string, args []any) (string, error) {
	var b strings.Builder
	b.Grow(len(statement) + 8*len(args))
	next := 0
	for i := 0; i < len(statement); i++ {
		c := statement[i]
		switch c {
		case '\'', '"', '`':
			end := closingQuote(statement, i+1, c)
			b.WriteString(statement[i:end])
			i = end - 1
		case '[':
			end := strings.IndexByte(statement[i:], ']')
			if end < 0 {
				end = len(statement) - i - 1
			}
			b.WriteString(statement[i : i+end+1])
			i += end
		case '-':
			if i+1 < len(statement) && statement[i+1] == '-' {
				end := strings.IndexByte(statement[i:], '\n')
				if end < 0 {
					end = len(statement) - i - 1
				}
				b.WriteString(statement[i : i+end+1])
				i += end
				continue
			}
			b.WriteByte(c)
		case '/':
			if i+1 < len(statement) && statement[i+1] == '*' {
				end := strings.Index(statement[i+2:], "*/")
				stop := len(statement)
				if end >= 0 {
					stop = i + 2 + end + 2
				}
				b.WriteString(statement[i:stop])
				i = stop - 1
				continue
			}
			b.WriteByte(c)
		case '?':
			if i+1 < len(statement) && statement[i+1] >= '0' && statement[i+1] <= '9' {
				return "", fmt.Errorf("%w: a numbered placeholder at byte %d", ErrBind, i)
			}
			if next >= len(args) {
				return "", fmt.Errorf("%w: more placeholders than the %d arguments", ErrBind, len(args))
			}
			if err := appendLiteral(&b, args[next]); err != nil {
				return "", fmt.Errorf("%w: argument %d: %w", ErrBind, next+1, err)
			}
			next++
		default:
			b.WriteByte(c)
		}
	}
	if next != len(args) {
		return "", fmt.Errorf("%w: %d placeholders for %d arguments", ErrBind, next, len(args))
	}
	return b.String(), nil
}

// closingQuote returns the index just past the quote that closes the literal opened before
// from; a doubled quote is part of the literal. An unclosed literal runs to the end.
func closingQuote(s string, from int, quote byte) int {
	for i := from; i < len(s); i++ {
		if s[i] != quote {
			continue
		}
		if i+1 < len(s) && s[i+1] == quote {
			i++
			continue
		}
		return i + 1
	}
	return len(s)
}

// appendLiteral writes v as an SQL literal.
func appendLiteral(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("NULL")
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("the float %v has no SQL literal", x)
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case bool:
		if x {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			return errors.New("text with a NUL byte (wazuh-db would cut the statement there)")
		}
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(x, "'", "''"))
		b.WriteByte('\'')
	default:
		return fmt.Errorf("a value of type %T", v)
	}
	return nil
}
