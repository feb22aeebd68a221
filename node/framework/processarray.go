package framework

import (
	"sort"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// processArray is utils.process_array for lists of flat dicts (what the group listing
// builds): sort, search, q, select, distinct, then offset and limit.
type processArray struct {
	sortBy         []string
	sortAscending  any // must be a bool (1402)
	allowedSort    []string
	searchText     string
	complementary  bool
	q              string
	selectFields   []string
	allowedSelect  []string
	requiredFields []string
	distinct       bool
	offset         int
	limit          *int
}

// run processes items; the total counts them before offset and limit.
func (p processArray) run(items []any) ([]any, int, error) {
	if len(items) == 0 {
		return []any{}, 0, nil
	}
	var err error
	if len(p.sortBy) == 1 && p.sortBy[0] == "" {
		// sort_by [""] sorts the dicts themselves, which Python cannot order: only a list of
		// one survives.
		if _, ok := p.sortAscending.(bool); !ok {
			return nil, 0, messages.ErrInvalidSortAscending.New()
		}
		if len(items) > 1 {
			return nil, 0, pyTypeError("'<' not supported between instances of 'dict' and 'dict'")
		}
	} else if len(p.sortBy) > 0 {
		if items, err = sortArray(items, p.sortBy, p.sortAscending, p.allowedSort); err != nil {
			return nil, 0, err
		}
	}
	if p.searchText != "" {
		items = searchArray(items, p.searchText, p.complementary)
	}
	if p.q != "" {
		if items, err = filterArrayByQuery(p.q, items); err != nil {
			return nil, 0, err
		}
	}
	if len(p.selectFields) > 0 {
		required := p.requiredFields
		if p.distinct {
			required = nil
		}
		if items, err = selectArray(items, p.selectFields, required, p.allowedSelect); err != nil {
			return nil, 0, err
		}
	}
	if p.distinct {
		var kept []any
		for _, it := range items {
			dup := false
			for _, k := range kept {
				if pyEqual(k, it) {
					dup = true
					break
				}
			}
			if !dup {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	page, err := cutArray(items, p.offset, p.limit)
	if err != nil {
		return nil, 0, err
	}
	return page, len(items), nil
}

// sortArray is sort_array for dicts: fields outside allowed are refused (1403); values are
// compared as text without case, or as they are; when two cannot be compared, the items
// holding any sort field are set apart (after the others ascending, before them descending),
// as Wazuh's fallback does.
func sortArray(items []any, fields []string, ascending any, allowed []string) ([]any, error) {
	asc, ok := ascending.(bool)
	if !ok {
		return nil, messages.ErrInvalidSortAscending.New()
	}
	check := allowed
	if len(check) == 0 {
		check = objectKeys(items[0])
	}
	var wrong []string
	for _, f := range dedupeStrings(fields) {
		if !containsString(check, f) {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) > 0 {
		e := messages.ErrInvalidSortField.New()
		remediation := "Allowed sort fields: " + joinComma(check) + ". Wrong fields: " + joinComma(wrong)
		e.ExtraRemediation = &remediation
		return nil, e
	}
	sorted, err := sortedByFields(items, fields, asc)
	if err == nil {
		return sorted, nil
	}
	var withKeys, rest []any
	for _, it := range items {
		o, _ := it.(messages.Object)
		has := false
		for _, f := range fields {
			if o.Has(f) {
				has = true
				break
			}
		}
		if has {
			withKeys = append(withKeys, it)
		} else {
			rest = append(rest, it)
		}
	}
	rest, err = sortedByFields(rest, fields, asc)
	if err != nil {
		return nil, err
	}
	if !asc {
		return append(withKeys, rest...), nil
	}
	return append(rest, withKeys...), nil
}

// sortedByFields is sorted(key=tuple of fields, reverse=not ascending), stable.
func sortedByFields(items []any, fields []string, asc bool) ([]any, error) {
	keys := make([][]any, len(items))
	for i, it := range items {
		o, _ := it.(messages.Object)
		key := make([]any, len(fields))
		for j, f := range fields {
			v, _ := o.Get(f)
			if s, ok := v.(string); ok {
				v = strings.ToLower(s)
			}
			key[j] = v
		}
		keys[i] = key
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var cmpErr error
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := keys[idx[a]], keys[idx[b]]
		if !asc {
			x, y = y, x
		}
		c, err := compareKeys(x, y)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	out := make([]any, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out, nil
}

func objectKeys(item any) []string {
	o, _ := item.(messages.Object)
	keys := make([]string, len(o))
	for i, m := range o {
		keys[i] = m.Key
	}
	return keys
}

// searchArray is search_array: items any of whose values (as lower-case text) contains the
// text, or, complementary, none of them.
func searchArray(items []any, text string, complementary bool) []any {
	needle := strings.ToLower(text)
	var out []any
	for _, it := range items {
		found := false
		for _, v := range flatValues(it) {
			if strings.Contains(v, needle) {
				found = true
				break
			}
		}
		if found != complementary {
			out = append(out, it)
		}
	}
	return out
}

// flatValues is get_values: every leaf value as text, strings lower-cased.
func flatValues(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatValues(e)...)
		}
		return out
	case messages.Object:
		var out []string
		for _, m := range x {
			out = append(out, flatValues(m.Value)...)
		}
		return out
	case string:
		return []string{strings.ToLower(x)}
	case int64:
		return []string{strconv.FormatInt(x, 10)}
	}
	return []string{messages.PyStr(v)}
}

// selectArray is select_array for flat dicts: the selected fields (1724 for a field outside
// allowed), then the required ones.
func selectArray(items []any, fields, required, allowed []string) ([]any, error) {
	var plain []string
	for _, f := range dedupeStrings(fields) {
		if !strings.Contains(f, ".") {
			plain = append(plain, f)
		}
	}
	if len(allowed) > 0 {
		for _, f := range plain {
			if !containsString(allowed, f) {
				return nil, messages.ErrInvalidSelectField.With(joinComma(plain))
			}
		}
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		o, _ := it.(messages.Object)
		sel := messages.Object{}
		for _, f := range orderedBy(allowed, plain) {
			if v, ok := o.Get(f); ok {
				sel = append(sel, messages.Member{Key: f, Value: v})
			}
		}
		if len(allowed) == 0 && len(sel) == 0 {
			return nil, messages.ErrInvalidSelectField.With(joinComma(dedupeStrings(fields)))
		}
		for _, f := range required {
			v, ok := o.Get(f)
			if !ok {
				return nil, errKey(f)
			}
			if !sel.Has(f) {
				sel = append(sel, messages.Member{Key: f, Value: v})
			}
		}
		out = append(out, sel)
	}
	return out, nil
}

// orderedBy orders fields as order lists them, the others after in their order.
func orderedBy(order, fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range order {
		if containsString(fields, f) {
			out = append(out, f)
		}
	}
	for _, f := range fields {
		if !containsString(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// cutArray is cut_array: 1405 above the maximum, 1406 for 0, none (None) keeps everything,
// then 1400 for a negative offset and 1401 for a negative limit.
func cutArray(items []any, offset int, limit *int) ([]any, error) {
	if limit == nil {
		return items, nil
	}
	switch {
	case *limit > maximumDatabaseLimit:
		return nil, messages.ErrLimitTooLarge.With(strconv.Itoa(*limit))
	case *limit == 0:
		return nil, messages.ErrZeroLimit.New()
	case offset < 0:
		return nil, messages.ErrInvalidOffset.New()
	case *limit < 1:
		return nil, messages.ErrInvalidLimit.New()
	}
	return pySlice(items, offset, offset+*limit), nil
}
