package framework

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// queryOperators are the q operators and their SQL (WazuhDBQuery.query_operators).
var queryOperators = map[string]string{"=": "=", "!=": "!=", "<": "<", ">": ">", "~": "LIKE"}

// querySeparators are the q separators and their SQL.
var querySeparators = map[string]string{",": "OR", ";": "AND", "": ""}

// specialCharacters are replaced by the LIKE wildcard "_" in filter and search values.
const specialCharacters = `'"`

// addFilters is _add_filters_to_query: the filters and q as a parenthesised WHERE clause,
// then the conditions of a distinct query.
func (q *agentQuery) addFilters() error {
	if err := q.parseFilters(); err != nil {
		return err
	}
	level := 0
	for i := range q.queryFilters {
		f := &q.queryFilters[i]
		q.cleanFilter(f)
		name, _, _ := strings.Cut(f.field, "$")
		open := f.level + 1 - level
		if f.level == 0 || open == 0 {
			open = 1
		}
		if open > 0 {
			q.text.WriteString(strings.Repeat("(", open))
		}
		if err := q.processFilter(name, f); err != nil {
			return err
		}
		closing := 1
		if level > f.level {
			closing += level - f.level
		}
		q.text.WriteString(strings.Repeat(")", closing))
		q.text.WriteString(" " + f.separator + " ")
		level = f.level
	}
	if q.distinct {
		if q.q == "" && !strings.Contains(q.text.String(), "WHERE") {
			q.text.WriteString(" WHERE ")
		} else {
			q.text.WriteString(" AND ")
		}
		conds := make([]string, 0, len(q.selected))
		for _, f := range q.selected {
			expr, _ := q.fields.expr(f)
			conds = append(conds, expr+" IS NOT null AND "+expr+" != ''")
		}
		q.text.WriteString(strings.Join(conds, " AND "))
	}
	return nil
}

// parseFilters is _parse_filters.
func (q *agentQuery) parseFilters() error {
	if q.filtersGiven {
		q.parseLegacyFilters()
	}
	if q.q != "" {
		if err := q.parseQuery(); err != nil {
			return err
		}
	}
	if q.search != nil || len(q.queryFilters) > 0 {
		if strings.Contains(q.text.String(), "WHERE") {
			q.text.WriteString(" AND ")
		} else {
			q.text.WriteString(" WHERE ")
		}
	}
	return nil
}

// parseLegacyFilters is WazuhDBQueryAgents._parse_legacy_filters: older_than becomes a q
// clause, the RBAC ids come first, then every filter value, several values of one filter
// joined with OR inside parentheses.
func (q *agentQuery) parseLegacyFilters() {
	kept := q.filters[:0:0]
	for _, f := range q.filters {
		if f.name != "older_than" {
			kept = append(kept, f)
			continue
		}
		v := any(nil)
		if len(f.values) > 0 {
			v = f.values[0]
		}
		if v == "0s" {
			continue
		}
		if messages.PyTruthy(v) {
			older := messages.PyStr(v)
			if q.q != "" {
				q.q += ";"
			}
			q.q += "(lastKeepAlive>" + older + ";status!=never_connected,dateAdd>" + older + ";status=never_connected)"
		}
	}
	q.filters = kept
	if q.rbac != nil && (len(q.rbac.ids) > 0 || !q.rbac.negate) {
		op := "IN"
		if q.rbac.negate {
			op = "NOT IN"
		}
		q.queryFilters = append(q.queryFilters, queryFilter{value: q.rbac.ids, field: "rbac_id", operator: op, separator: "AND"})
	}
	for _, f := range q.filters {
		n := len(f.values)
		for i, v := range f.values {
			if v == "all" {
				continue
			}
			if v == "null" {
				v = nil
			}
			sep, level := "OR", 1
			if n <= 1 || n == i+1 {
				sep = "AND"
			}
			if i == n-1 {
				level = 0
			}
			q.queryFilters = append(q.queryFilters, queryFilter{value: v, field: f.name + "$" + strconv.Itoa(i),
				operator: "=", separator: sep, level: level})
		}
	}
	if len(q.queryFilters) > 0 {
		last := &q.queryFilters[len(q.queryFilters)-1]
		last.separator = ""
		if q.q != "" {
			last.separator = "AND"
		}
	}
}

// cleanFilter is _clean_filter: a JSON value is rewritten compactly, and quotes become the
// LIKE wildcard "_" (an exact comparison stays exact: no "%" is added around it).
func (q *agentQuery) cleanFilter(f *queryFilter) {
	s, ok := f.value.(string)
	if !ok {
		return
	}
	if compact, ok := pyJSONRoundTrip(s); ok {
		s = compact
	}
	if strings.ContainsAny(s, specialCharacters) {
		if f.operator != "LIKE" {
			q.wildcardEqual[f.field] = true
		}
		s = replaceSpecial(s)
		f.operator = "LIKE"
	}
	f.value = s
}

// replaceSpecial turns the special characters into "_".
func replaceSpecial(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(specialCharacters, r) {
			return '_'
		}
		return r
	}, s)
}

// processFilter is _process_filter (with WazuhDBQueryAgents' rules for group): one condition.
func (q *agentQuery) processFilter(name string, f *queryFilter) error {
	if name == "group" && f.value != nil {
		expr, _ := q.fields.expr("group")
		value := messages.PyStr(f.value)
		switch f.operator {
		case "=":
			q.text.WriteString("(',' || " + expr + " || ',') LIKE " + q.bind("%,"+value+",%"))
		case "!=":
			q.text.WriteString("NOT (',' || " + expr + " || ',') LIKE " + q.bind("%,"+value+",%"))
		case "LIKE":
			q.text.WriteString(expr + " LIKE " + q.bind("%"+value+"%"))
		default:
			return messages.ErrQueryOperator.With("Valid operators for 'group' field: =, !=, ~. Used operator: " + f.operator)
		}
		return nil
	}
	if dateFilterFields[name] && !isNumber(f.value) {
		return q.filterDate(name, f)
	}
	if strings.Contains(name, "rbac") {
		ids, _ := f.value.([]string)
		q.text.WriteString(strings.TrimLeft(name, "rbac_") + " " + f.operator + " (" + q.bindIDs(ids) + ")")
		return nil
	}
	expr, ok := q.fields.expr(name)
	if !ok {
		return errKey(name)
	}
	if f.value == nil {
		q.text.WriteString(expr + " IS null")
		return nil
	}
	value := f.value
	if name == "version" {
		s, ok := value.(string)
		if !ok {
			return pyTypeError("expected string or bytes-like object, got " + messages.PyStrRepr(pyTypeName(value)))
		}
		value = versionSpacing.ReplaceAllString(s, "$1 $2")
	}
	if f.operator == "LIKE" && !q.wildcardEqual[f.field] {
		value = "%" + messages.PyStr(value) + "%"
	}
	q.text.WriteString(expr + " " + f.operator + " " + q.bind(value) + " COLLATE NOCASE")
	return nil
}

// versionSpacing is the framework's fix of "Wazuhv4.x" into "Wazuh v4.x" in version filters.
var versionSpacing = regexp.MustCompile(`([a-zA-Z])(v)`)

// bindIDs binds the RBAC ids; numeric ones as integers, as wazuh-db's substitution writes them.
func (q *agentQuery) bindIDs(ids []string) string {
	marks := make([]string, len(ids))
	for i, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && isASCIIDigits(id) {
			marks[i] = q.bind(n)
			continue
		}
		marks[i] = q.bind(id)
	}
	return strings.Join(marks, ",")
}

// dateFilterFields are the query's date fields (date_fields).
var dateFilterFields = map[string]bool{"lastKeepAlive": true, "dateAdd": true}

var (
	timeframePrefix = regexp.MustCompile(`^\d+[dhms]`)
	datePrefix      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}(.\d{1,6})?Z?)?`)
)

// filterDate is _filter_date, with WazuhDBQueryAgents' exclusion of the manager: a
// timeframe compares with now minus that many seconds, a date with that date.
func (q *agentQuery) filterDate(name string, f *queryFilter) error {
	s, ok := f.value.(string)
	if !ok {
		return pyTypeError("'" + pyTypeName(f.value) + "' object has no attribute 'isdigit'")
	}
	expr, _ := q.fields.expr(name)
	switch {
	case isASCIIDigits(s) || timeframePrefix.MatchString(s):
		op := "<"
		if f.operator == "<" || f.operator == "=" {
			op = ">"
		}
		seconds, err := timeframeSeconds(s)
		if err != nil {
			return err
		}
		q.text.WriteString(expr + " IS NOT NULL AND " + expr + " " + op + " strftime('%s', 'now') - " + q.bind(seconds) + " ")
	case datePrefix.MatchString(s):
		q.text.WriteString(expr + " IS NOT NULL AND " + expr + " " + f.operator + " strftime('%s', " + q.bind(s) + ")")
	default:
		return messages.ErrInvalidDateFilter.With(s)
	}
	q.text.WriteString(" AND id != 0")
	return nil
}

// timeframeUnits are get_timeframe_in_seconds' units.
var timeframeUnits = map[string]int64{"d": 86400, "h": 3600, "m": 60, "s": 1}

var timeframePart = regexp.MustCompile(`(\d+)([\p{L}\p{N}_])`)

// timeframeSeconds is get_timeframe_in_seconds: digits are seconds; otherwise every
// <number><unit> adds up (1411 when no unit letter appears at all).
func timeframeSeconds(s string) (int64, error) {
	if isASCIIDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, pyValueError("invalid literal for int() with base 10: " + messages.PyStrRepr(s))
		}
		return n, nil
	}
	if !strings.ContainsAny(s, "hdms") {
		return 0, messages.ErrInvalidTimeframe.With(s)
	}
	var total int64
	for _, m := range timeframePart.FindAllStringSubmatch(s, -1) {
		unit, ok := timeframeUnits[m[2]]
		if !ok {
			return 0, errKey(m[2])
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return 0, pyValueError("invalid literal for int() with base 10: " + messages.PyStrRepr(m[1]))
		}
		total += n * unit
	}
	return total, nil
}

// addSearch is WazuhDBQueryAgents._add_search_to_query: every field but id LIKE %value%, or
// the id itself (as a number when the value is digits).
func (q *agentQuery) addSearch() {
	if q.search == nil {
		return
	}
	if q.search.negation {
		q.text.WriteString(" AND NOT")
	} else {
		q.text.WriteString(" AND")
	}
	pattern := "%" + replaceSpecial(q.search.value) + "%"
	conds := make([]string, 0, len(q.fields.list))
	for _, f := range q.fields.list {
		if f.name == "id" {
			continue
		}
		mark := q.bind(pattern)
		conds = append(conds, "("+f.expr+" LIKE "+mark+" AND "+f.expr+" IS NOT NULL)")
	}
	q.text.WriteString(" (" + strings.Join(conds, " OR ") + ")")
	text := strings.Replace(q.text.String(), "WHERE  AND", "WHERE", -1)
	text = text[:len(text)-1] + " OR id LIKE " + q.bindSearchID() + ")"
	q.text.Reset()
	q.text.WriteString(text)
}

// bindSearchID is the search_id parameter: the value as a number when it is digits.
func (q *agentQuery) bindSearchID() string {
	v := q.search.value
	if isASCIIDigits(v) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return q.bind(n)
		}
	}
	return q.bind(replaceSpecial(v))
}

// isASCIIDigits is str.isdigit() for the digits Wazuh's inputs use.
func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int64, float64:
		return true
	}
	return false
}
