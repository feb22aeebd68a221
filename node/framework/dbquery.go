package framework

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// The agent listings of the framework are WazuhDBQueryAgents queries (framework/wazuh/core/
// agent.py and utils.py): a SELECT over global.db's agent table assembled from the select,
// filters, q, search, sort and paging arguments, sent to wazuh-db as "global sql". agentQuery
// assembles the same statement, step by step and in the same order (the order decides the
// SQL text, hence which rows match), and runs it through Store.SelectGlobal. Values are bound
// parameters where Wazuh pastes them into the text; the results are the same.

// Limits of the framework's queries (common.DATABASE_LIMIT, MAXIMUM_DATABASE_LIMIT).
const (
	databaseLimit        = 500
	maximumDatabaseLimit = 100000
)

// selectMarker stands for the select list ("{0}" in Wazuh's query template).
const selectMarker = "\x00select\x00"

// sortSpec is a sort argument: {"fields": [...], "order": "asc"|"desc"}.
type sortSpec struct {
	fields    []string
	hasFields bool // the "fields" key is there
	order     string
	hasOrder  bool // the "order" key is there
	given     bool // a non-empty dict (Python tests the dict's truth)
}

// searchSpec is a search argument: {"value": ..., "negation": ...}.
type searchSpec struct {
	value    string
	negation bool
}

// legacyFilter is one entry of the filters dict, its values as a list.
type legacyFilter struct {
	name   string
	values []any
}

// rbacFilter is get_rbac_filters' answer: the ids allowed (IN) or refused (NOT IN).
type rbacFilter struct {
	ids    []string
	negate bool
}

// queryFilter is one condition of query_filters.
type queryFilter struct {
	value     any // string, []string for the RBAC ids, nil for None
	field     string
	operator  string
	separator string
	level     int
}

// agentQuery is WazuhDBQueryAgents (and its group-by and distinct variants) for one call.
type agentQuery struct {
	offset           int
	limit            *int // nil is None: every row
	sort             *sortSpec
	search           *searchSpec
	selectFields     []string // nil is None: every field
	q                string
	filters          []legacyFilter
	filtersGiven     bool // a non-empty filters dict
	rbac             *rbacFilter
	distinct         bool
	count            bool
	getData          bool
	minSelect        []string
	defaultSortField string
	removeExtra      bool
	groupBy          bool     // WazuhDBQueryGroupByAgents
	groupFields      []string // its filter_fields; nil is None (every field)

	fields        *fieldTable
	extra         map[string]bool
	byID          bool // the statement ends with ORDER BY id ASC (and its limit)
	limitArg      int  // index of the LIMIT argument; -1 without a limit
	selected      []string
	queryFilters  []queryFilter
	wildcardEqual map[string]bool
	text          strings.Builder
	args          []any
}

// newAgentQuery returns a query with WazuhDBQueryAgents' defaults.
func newAgentQuery() *agentQuery {
	limit := databaseLimit
	return &agentQuery{
		limit: &limit, count: true, getData: true, minSelect: []string{"id"}, defaultSortField: "id",
		removeExtra: true, fields: newAgentFieldTable(), extra: map[string]bool{"internal_key": true},
		wildcardEqual: map[string]bool{}, limitArg: -1,
	}
}

// agentRows is what a query returns: the items, already formatted, and totalItems.
type agentRows struct {
	items []any
	total int
}

// run is WazuhDBQuery.run (general_run): select, filters, search, count, sort, limit, data.
func (q *agentQuery) run(ctx context.Context, db *agentDB) (agentRows, error) {
	if q.distinct {
		q.minSelect = nil
		q.text.WriteString("SELECT DISTINCT " + selectMarker + " FROM agent")
	} else {
		q.text.WriteString("SELECT " + selectMarker + " FROM agent")
	}
	if err := q.addSelect(); err != nil {
		return agentRows{}, err
	}
	if err := q.addFilters(); err != nil {
		return agentRows{}, err
	}
	q.addSearch()
	var out agentRows
	// Without a limit the count is the number of rows the data query returns: counting them
	// in a second scan, as Wazuh does, changes nothing but the time (cluster_control -a).
	countRows := q.count && q.getData && q.limit == nil && !q.groupBy
	if q.count && !countRows {
		total, err := q.totalItems(ctx, db)
		if err != nil {
			return agentRows{}, err
		}
		out.total = total
		if !q.getData {
			return out, nil
		}
	}
	if err := q.addSort(); err != nil {
		return agentRows{}, err
	}
	if err := q.addLimit(); err != nil {
		return agentRows{}, err
	}
	if !q.getData {
		return out, nil
	}
	items, err := q.data(ctx, db)
	if err != nil {
		return agentRows{}, err
	}
	out.items = items
	if countRows {
		out.total = len(items)
	}
	return out, nil
}

// parseSelect is _parse_select_filter: the fields asked for, all of them for None or an
// empty list (Python tests the list's truth); an unknown field is refused with 1724.
func (q *agentQuery) parseSelect(fields []string) ([]string, error) {
	if len(fields) == 0 {
		out := make([]string, 0, len(q.fields.list))
		for _, f := range q.fields.list {
			out = append(out, f.name)
		}
		return out, nil
	}
	allowed := q.fields.allowed(q.extra)
	var wrong []string
	for _, f := range dedupeStrings(fields) {
		if !containsString(allowed, f) {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) > 0 {
		return nil, messages.ErrInvalidSelectField.With(fmt.Sprintf("Allowed select fields: %s. Fields: %s",
			joinComma(allowed), joinComma(wrong)))
	}
	return q.inTableOrder(fields), nil
}

// inTableOrder orders a set of fields as the table lists them.
func (q *agentQuery) inTableOrder(fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range q.fields.list {
		if containsString(fields, f.name) {
			out = append(out, f.name)
		}
	}
	return out
}

// addSelect is _add_select_to_query (and the group-by variant, which keeps only the selected
// fields that are also grouped by).
func (q *agentQuery) addSelect() error {
	sel, err := q.parseSelect(q.selectFields)
	if err != nil {
		return err
	}
	if q.groupBy {
		group, err := q.parseSelect(q.groupFields)
		if err != nil {
			return err
		}
		q.groupFields = group
		kept := sel[:0:0]
		for _, f := range sel {
			if containsString(group, f) {
				kept = append(kept, f)
			}
		}
		sel = kept
	}
	q.selected = sel
	return nil
}

// bind appends a parameter and returns its placeholder. A value containing ';' is refused as
// wazuh-db's query validation refuses it (the framework pastes values into the text).
func (q *agentQuery) bind(v any) string {
	q.args = append(q.args, v)
	return "?"
}

// checkArgs is WazuhDBConnection's input validation of the query text, values included.
func (q *agentQuery) checkArgs() error {
	for _, a := range q.args {
		if s, ok := a.(string); ok && strings.Contains(s, ";") {
			return messages.ErrInvalidDBQuery.With("Found a not valid symbol in database query: ;")
		}
	}
	return nil
}

// selectList is the SELECT list of fields: "<expr> as '<name>'", in table order.
func (q *agentQuery) selectList(fields []string) string {
	parts := make([]string, 0, len(fields))
	for _, f := range q.inTableOrder(fields) {
		expr, _ := q.fields.expr(f)
		parts = append(parts, expr+" as '"+f+"'")
	}
	return strings.Join(parts, ",")
}

// withMinSelect is select | min_select_fields.
func (q *agentQuery) withMinSelect() []string {
	out := append([]string(nil), q.selected...)
	for _, f := range q.minSelect {
		if !containsString(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// totalItems is _get_total_items: SELECT COUNT(*) over the query so far. A group-by query
// counts the rows before grouping (as Wazuh's does), then groups.
func (q *agentQuery) totalItems(ctx context.Context, db *agentDB) (int, error) {
	inner := strings.Replace(q.text.String(), selectMarker, q.selectList(q.withMinSelect()), 1)
	var total int
	err := q.exec(ctx, db, allRows, "SELECT COUNT(*) FROM ("+inner+")", q.args, func(values []any) error {
		if len(values) > 0 {
			if n, ok := values[0].(int64); ok {
				total = int(n)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if q.groupBy {
		q.selected = append(q.selected, "count")
		q.fields.add(agentField{"count", "COUNT(*)"})
		exprs := make([]string, 0, len(q.groupFields))
		for _, f := range q.groupFields {
			expr, _ := q.fields.expr(f)
			exprs = append(exprs, expr)
		}
		q.text.WriteString(" GROUP BY " + strings.Join(exprs, ","))
	}
	return total, nil
}

// addSort is _add_sort_to_query; os.version sorts by major then minor version, as numbers.
func (q *agentQuery) addSort() error {
	if q.sort == nil || !q.sort.given {
		q.text.WriteString(" ORDER BY " + q.defaultSortField + " ASC")
		q.byID = q.defaultSortField == "id"
		return nil
	}
	if !q.sort.hasFields {
		return errKey("fields")
	}
	if len(q.sort.fields) > 0 {
		allowed := q.fields.allowed(q.extra)
		var wrong []string
		for _, f := range dedupeStrings(q.sort.fields) {
			if !containsString(allowed, f) {
				wrong = append(wrong, f)
			}
		}
		if len(wrong) > 0 {
			return messages.ErrInvalidSortField.With(fmt.Sprintf("Allowed sort fields: %s. Fields: %s",
				joinComma(allowed), joinComma(wrong)))
		}
	}
	if !q.sort.hasOrder {
		return errKey("order")
	}
	order, err := sqlOrder(q.sort.order)
	if err != nil {
		return err
	}
	if len(q.sort.fields) == 0 {
		q.text.WriteString(" ORDER BY " + q.defaultSortField + " " + order)
		q.byID = q.defaultSortField == "id" && strings.EqualFold(order, "asc")
		return nil
	}
	q.byID = len(q.sort.fields) == 1 && q.sort.fields[0] == "id" && strings.EqualFold(order, "asc")
	parts := make([]string, 0, len(q.sort.fields))
	for _, f := range q.sort.fields {
		if f == "os.version" {
			parts = append(parts, fmt.Sprintf("CAST(os_major AS INTEGER) %[1]s, CAST(os_minor AS INTEGER) %[1]s", order))
			continue
		}
		expr, _ := q.fields.expr(f)
		parts = append(parts, expr+" "+order)
	}
	q.text.WriteString(" ORDER BY " + strings.Join(parts, ","))
	return nil
}

// sqlOrder admits the sort orders SQLite knows. Wazuh pastes the order into the statement,
// and wazuh-db refuses any other text as an invalid statement (2003); clusterd refuses it
// before it reaches the database.
func sqlOrder(order string) (string, error) {
	switch strings.ToLower(order) {
	case "asc", "desc":
		return order, nil
	}
	return "", messages.ErrWazuhDBRequest.With("Cannot execute SQL query: invalid sort order " + messages.PyStrRepr(order))
}

// addLimit is _add_limit_to_query: no LIMIT for None, 1405 above the maximum, 1406 for 0.
func (q *agentQuery) addLimit() error {
	switch {
	case q.limit == nil:
		return nil
	case *q.limit == 0:
		return messages.ErrZeroLimit.New()
	case *q.limit > maximumDatabaseLimit:
		return messages.ErrLimitTooLarge.With(strconv.Itoa(*q.limit))
	}
	q.limitArg = len(q.args)
	q.text.WriteString(" LIMIT " + q.bind(*q.limit) + " OFFSET " + q.bind(q.offset))
	return nil
}

// data runs the query and formats its rows.
func (q *agentQuery) data(ctx context.Context, db *agentDB) ([]any, error) {
	fields := q.withMinSelect()
	if q.groupBy {
		fields = q.selected
	}
	cols := q.inTableOrder(fields)
	statement := strings.Replace(q.text.String(), selectMarker, q.selectList(cols), 1)
	layout := q.rowLayout(cols)
	items := []any{}
	add := func(values []any) error {
		items = append(items, layout.format(values))
		return nil
	}
	if !q.byID || q.distinct || q.groupBy || !db.hasManager() {
		return items, q.exec(ctx, db, allRows, statement, q.args, add)
	}
	// Ordered by id, the manager (000) comes before every agent: its row and the store's are
	// read apart, so that SQLite reads the store in its own order instead of sorting it.
	managerArgs := q.args
	if q.limitArg >= 0 {
		managerArgs = append(append([]any(nil), q.args...)[:q.limitArg], int64(-1), int64(0))
	}
	if err := q.exec(ctx, db, managerRows, statement, managerArgs, add); err != nil {
		return nil, err
	}
	storeArgs := q.args
	if len(items) > 0 && q.limitArg >= 0 {
		limit, offset := *q.limit, q.offset
		if offset > 0 {
			// The page starts after the manager's row.
			items, offset = items[:0], offset-1
		} else if limit > 0 {
			limit--
		}
		storeArgs = append(append([]any(nil), q.args...)[:q.limitArg], limit, offset)
	}
	return items, q.exec(ctx, db, storeRows, statement, storeArgs, add)
}

// column is how one column of a query's rows becomes part of an item.
type column struct {
	name      string
	keep      bool   // shown: selected (and not an extra field), or a minimum field
	os        string // the key under "os" for an os.* field, "" otherwise
	dropZero  bool   // disconnection_time: 0 means unset, and is left out
	grouped   bool   // a group-by field: "N/A" when the row has no value
	formatted bool   // id, group and dates are reformatted (format_fields)
}

// rowLayout describes a query's rows once, so that formatting a row costs only the item.
type rowLayout struct {
	cols []column
	os   int // how many kept os.* columns
}

// rowLayout is _format_data_into_dictionary's choice of fields for cols: the selected ones
// without the extra fields, plus the minimum fields (not for a group-by query).
func (q *agentQuery) rowLayout(cols []string) rowLayout {
	keep := map[string]bool{}
	for _, f := range q.selected {
		if !q.removeExtra || !q.extra[f] {
			keep[f] = true
		}
	}
	if !q.groupBy {
		for _, f := range q.minSelect {
			keep[f] = true
		}
	}
	var l rowLayout
	for _, name := range cols {
		c := column{name: name, keep: keep[name], dropZero: name == "disconnection_time" && !q.groupBy,
			grouped:   q.groupBy && containsString(q.groupFields, name),
			formatted: name == "id" || name == "group" || dateAgentFields[name]}
		if sub, ok := strings.CutPrefix(name, "os."); ok {
			c.os = sub
			if c.keep {
				l.os++
			}
		}
		l.cols = append(l.cols, c)
	}
	return l
}

// format turns a row into an item as wazuh-db and the framework do: NULL columns left out
// (wazuh-db does not write them), a zero disconnection_time removed, values formatted, "N/A"
// for a grouped field the row lacks (after the others), the os.* fields nested in "os",
// which comes first with its keys sorted (plain_dict_to_nested_dict).
func (l rowLayout) format(values []any) messages.Object {
	var os messages.Object
	if l.os > 0 {
		for i, c := range l.cols {
			if c.os != "" && c.keep && values[i] != nil {
				os = append(os, messages.Member{Key: c.os, Value: values[i]})
			}
		}
		sortMembers(os)
	}
	item := make(messages.Object, 0, len(l.cols)+1)
	if os != nil {
		item = append(item, messages.Member{Key: "os", Value: os})
	}
	var missing []string
	for i, c := range l.cols {
		v := values[i]
		switch {
		case v == nil:
			if c.grouped && c.keep {
				missing = append(missing, c.name)
			}
			continue
		case !c.keep || c.os != "":
			continue
		case c.dropZero:
			if n, ok := v.(int64); ok && n == 0 {
				continue
			}
		}
		if c.formatted {
			v = formatAgentValue(c.name, v)
		}
		item = append(item, messages.Member{Key: c.name, Value: v})
	}
	for _, name := range missing {
		if sub, ok := strings.CutPrefix(name, "os."); ok {
			// An os.* "N/A" joins the nested object, as plain_dict_to_nested_dict nests it.
			item = nestMissingOS(item, sub)
			continue
		}
		item = append(item, messages.Member{Key: name, Value: "N/A"})
	}
	return item
}

// nestMissingOS adds {"<sub>": "N/A"} to the item's "os" object, creating it first.
func nestMissingOS(item messages.Object, sub string) messages.Object {
	if len(item) > 0 && item[0].Key == "os" {
		os := append(item[0].Value.(messages.Object), messages.Member{Key: sub, Value: "N/A"})
		sortMembers(os)
		item[0].Value = os
		return item
	}
	return append(messages.Object{{Key: "os", Value: messages.Object{{Key: sub, Value: "N/A"}}}}, item...)
}

// exec runs one statement on the agent table seen by the framework (the manager's row 000
// included), turning the store's refusals into the errors wazuh-db's answers become.
func (q *agentQuery) exec(ctx context.Context, db *agentDB, rows tableRows, statement string, args []any, row func([]any) error) error {
	if err := q.checkArgs(); err != nil {
		return err
	}
	return db.selectAgents(ctx, rows, statement, args, row)
}

// errKey is a Python KeyError: Wazuh answers it as error 1000.
func errKey(key string) error { return fmt.Errorf("KeyError: %s", messages.PyStrRepr(key)) }
