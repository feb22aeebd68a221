package framework

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// The q language of the API ("status=active;(name~web,ip=10.0.0.1)"): WazuhDBQuery's
// query_regex, with Python's Unicode \w written as letters, digits and "_" (Go's \w is ASCII).
const (
	qWord      = `\p{L}\p{N}_`
	qListChars = `\[\]` + qWord + ` _\-.,:?\\/'"=@%<>{}`
	qValChars  = `\[\]` + qWord + ` _\-.:?\\/'"=@%<>{}$`
	qBracket   = `\[[` + qListChars + `]*]`
	qParen     = `(?:\((?:` + qBracket + `|[` + qValChars + `]*)\))*`
	qValue     = `((?:` + qParen + `(?:` + qBracket + `|[` + qValChars + `]+)` + qParen + `)+)`
)

var queryRegex = regexp.MustCompile(`(\(+)?([` + qWord + `.]+)([=!<>~]{1,2})` + qValue + `(\)+)?([,;])?`)

// parseQuery is _parse_query: every "field operator value" clause of q becomes a filter with
// its parenthesis level and the separator that follows it. q must start with a clause (1407);
// fields must be agent fields (1408), operators one of = != < > ~ (1409). A clause whose value
// is "all" filters nothing.
func (q *agentQuery) parseQuery() error {
	matches := queryRegex.FindAllStringSubmatchIndex(q.q, -1)
	if len(matches) == 0 || matches[0][0] != 0 {
		return messages.ErrQueryFormat.With(q.q)
	}
	allowed := q.fields.allowed(q.extra)
	level := 0
	for _, m := range matches {
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return q.q[m[2*i]:m[2*i+1]]
		}
		open, field, op, value, closing, sep := group(1), group(2), group(3), group(4), group(5), group(6)
		if !containsString(allowed, field) {
			return messages.ErrFieldNotFound.With(fmt.Sprintf("Available fields: %s. Field: %s", joinComma(allowed), field))
		}
		sqlOp, ok := queryOperators[op]
		if !ok {
			return messages.ErrQueryOperator.With(fmt.Sprintf("Valid operators: =, !=, <, >, ~. Used operator: %s", op))
		}
		level += len(open)
		level -= len(closing)
		if value == "all" {
			continue
		}
		var v any = value
		if value == "null" {
			v = nil
		}
		index := 0
		for _, f := range q.queryFilters {
			if strings.Contains(f.field, field) {
				index++
			}
		}
		q.queryFilters = append(q.queryFilters, queryFilter{value: v, operator: sqlOp,
			field: fmt.Sprintf("%s$%d", field, index), separator: querySeparators[sep], level: level})
	}
	return nil
}

// pyJSONRoundTrip is json.dumps(json.loads(s), separators=(',', ':')): false when s is not a
// JSON document.
func pyJSONRoundTrip(s string) (string, bool) {
	v, err := messages.DecodeOrdered([]byte(s))
	if err != nil {
		return "", false
	}
	var b strings.Builder
	writeCompactJSON(&b, v)
	return b.String(), true
}

// writeCompactJSON writes v as json.dumps does with separators (',', ':').
func writeCompactJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case messages.Object:
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(messages.EncodeJSON(m.Key))
			b.WriteByte(':')
			writeCompactJSON(b, m.Value)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompactJSON(b, e)
		}
		b.WriteByte(']')
	default:
		b.Write(messages.EncodeJSON(v))
	}
}
