package framework

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// filter_array_by_query (framework/wazuh/core/utils.py) applies q to a list of dicts in
// memory, as the listings that do not come from a database do (the cluster's nodes, the
// groups' files): "," separates OR clauses, ";" AND clauses, each "field<op>value" with an
// optional ".sub.field" path into nested values.

// arrayClause is re_get_elements: optional "(", field, optional ".sub.path", operator, value,
// optional ")".
var arrayClause = regexp.MustCompile(`^\(?([` + qWord + `]+)\.?([` + qWord + `.]*)?([=!<>~]{1,2})` +
	`((?:(?:\((?:` + qBracket + `|[` + qArrayChars + `]*)\))*(?:` + qBracket + `|[` + qArrayChars + `]+)` +
	`(?:\((?:` + qBracket + `|[` + qArrayChars + `]*)\))*)+)\)?`)

// qArrayChars are the value characters of re_get_elements (no "$", unlike query_regex).
const qArrayChars = `\[\]` + qWord + ` _\-.:?\\/'"=@%<>{}`

// filterArrayByQuery keeps the items matching q.
func filterArrayByQuery(q string, items []any) ([]any, error) {
	orClauses := strings.Split(q, ",")
	out := []any{}
	for _, item := range items {
		elem, _ := item.(messages.Object)
		for _, or := range orClauses {
			matched := true
			for _, and := range strings.Split(or, ";") {
				m := arrayClause.FindStringSubmatch(and)
				if m == nil {
					return nil, messages.ErrQueryFormat.With("Parameter 'q' is not valid: '" + and + "'")
				}
				ok, err := clauseMatches(elem, m[1], m[2], m[3], m[4])
				if err != nil {
					return nil, err
				}
				if !ok {
					matched = false
					break
				}
			}
			if matched {
				out = append(out, item)
				break
			}
		}
	}
	return out, nil
}

// clauseMatches is one clause against one element.
func clauseMatches(elem messages.Object, field, sub, op, value string) (bool, error) {
	v, present := elem.Get(field)
	if sub != "" && present {
		var candidates []any
		if matchCandidates(v, strings.Split(sub, "."), &candidates) {
			for _, c := range candidates {
				if !messages.PyTruthy(c) {
					continue
				}
				ok, err := checkClause(c, op, value)
				if err != nil {
					return false, err
				}
				if ok {
					return true, nil
				}
			}
		}
		return false, nil
	}
	if !present {
		return false, nil
	}
	return checkClause(v, op, value)
}

// matchCandidates is get_match_candidates: the values at the end of path, through lists.
func matchCandidates(v any, path []string, out *[]any) bool {
	for i, key := range path {
		if list, ok := v.([]any); ok {
			found := false
			for _, e := range list {
				if matchCandidates(e, path[i:], out) {
					found = true
				}
			}
			return found
		}
		o, ok := v.(messages.Object)
		if !ok {
			return false
		}
		next, ok := o.Get(key)
		if !ok {
			return false
		}
		v = next
	}
	*out = append(*out, v)
	return true
}

// checkClause is check_clause: "~" is containment in the value's text, the others compare,
// as integers when the element is an integer and as dates when the value is a date.
func checkClause(v any, op, value string) (bool, error) {
	values := []any{v}
	if list, ok := v.([]any); ok {
		values = list
	}
	for _, val := range values {
		if op == "~" {
			s, ok := val.(string)
			if n, isInt := pyIntValue(val); isInt {
				s, ok = strconv.FormatInt(n, 10), true
			}
			if !ok {
				return false, pyTypeError("argument of type " + messages.PyStrRepr(pyTypeName(val)) + " is not iterable")
			}
			if strings.Contains(s, value) {
				return true, nil
			}
			continue
		}
		ok, err := compareClause(val, op, value)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// compareClause compares one value: dates as dates, integers as integers, text as text.
func compareClause(val any, op, value string) (bool, error) {
	if t, isDate := arrayDate(value); isDate {
		vs, isString := val.(string)
		if vt, ok := arrayDate(vs); isString && ok {
			return compareOrdered(vt.Compare(t), op), nil
		}
		if op == "=" || op == "!=" {
			return op == "!=", nil
		}
		return false, pyTypeError("'" + op + "' not supported between instances of '" + pyTypeName(val) + "' and 'datetime.datetime'")
	}
	if n, isInt := pyIntValue(val); isInt {
		m, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return false, pyValueError("invalid literal for int() with base 10: " + messages.PyStrRepr(value))
		}
		switch {
		case n < m:
			return compareOrdered(-1, op), nil
		case n > m:
			return compareOrdered(1, op), nil
		}
		return compareOrdered(0, op), nil
	}
	s, isString := val.(string)
	if !isString {
		if op == "=" || op == "!=" {
			return op == "!=", nil
		}
		return false, pyTypeError("'" + op + "' not supported between instances of '" + pyTypeName(val) + "' and 'str'")
	}
	return compareOrdered(strings.Compare(s, value), op), nil
}

func compareOrdered(c int, op string) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case ">":
		return c > 0
	}
	return false
}

// pyIntValue reads a Python int (not a bool) from a decoded value.
func pyIntValue(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// arrayDateLayouts are check_date_format's patterns.
var arrayDateLayouts = []string{"2006-01-02", "2006-01-02T15:04:05Z", "2006-01-02 15:04:05", "2006-01-02T15:04:05.999999Z"}

func arrayDate(s string) (time.Time, bool) {
	for _, layout := range arrayDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
