package dapi

import (
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// limitAndSort is what forward_request does to a merged result:
// .limit(limit=f_kwargs.get('limit', 500), offset=f_kwargs.get('offset', 0))
// .sort(fields=f_kwargs.get('fields', []), order=f_kwargs.get('order', 'asc')). Both act only on
// a list at result['data']['items'] (the affected items are already in order); the API's
// requests carry no "order", and a string order makes Wazuh's sort raise WazuhError 1402 as
// soon as there is an item to sort.
func limitAndSort(r Result, kwargs messages.Object) (Result, error) {
	dict := dictOf(r)
	dataIndex := -1
	for i, m := range dict {
		if m.Key == "data" {
			dataIndex = i
		}
	}
	if dataIndex < 0 {
		return r, nil
	}
	data := dictOf(asMapping(dict[dataIndex].Value))
	itemsValue, ok := data.Get("items")
	items, isList := itemsValue.([]any)
	if !ok || !isList {
		return r, nil
	}
	limit, err := kwargInt(kwargs, "limit", 500)
	if err != nil {
		return nil, err
	}
	offset, err := kwargInt(kwargs, "offset", 0)
	if err != nil {
		return nil, err
	}
	items = pySlice(items, offset, offset+limit)
	if len(items) > 0 {
		if items, err = sortArray(items, kwargs); err != nil {
			return nil, err
		}
	}
	newData := setKwarg(append(messages.Object{}, data...), "items", items)
	out := append(messages.Object{}, dict...)
	switch x := out[dataIndex].Value.(type) {
	case *WazuhResult:
		out[dataIndex].Value = &WazuhResult{Dict: newData, StrPriority: x.StrPriority}
	case *AffectedItems:
		c := x.clone()
		c.Dikt = newData
		out[dataIndex].Value = c
	default:
		out[dataIndex].Value = newData
	}
	switch x := r.(type) {
	case *WazuhResult:
		return &WazuhResult{Dict: out, StrPriority: x.StrPriority}, nil
	case *AffectedItems:
		c := x.clone()
		c.Dikt = out
		return c, nil
	}
	return r, nil
}

// asMapping gives the value a dict view when Python could index it by a string.
func asMapping(v any) Result {
	switch x := v.(type) {
	case messages.Object:
		return NewWazuhResult(x)
	case *WazuhResult:
		return x
	case *AffectedItems:
		return x
	}
	return nil
}

// kwargInt reads an integer keyword argument with its default; None or another type fails as
// Python's slice arithmetic does.
func kwargInt(kwargs messages.Object, key string, def int) (int, error) {
	v, ok := kwargs.Get(key)
	if !ok {
		return def, nil
	}
	if b, isBool := v.(bool); isBool {
		if b {
			return 1, nil
		}
		return 0, nil
	}
	n, isInt := intValue(v)
	if !isInt {
		return 0, errPyType
	}
	return n, nil
}

// pySlice is items[start:stop] with Python's rules for negative and out-of-range bounds.
func pySlice(items []any, start, stop int) []any {
	n := len(items)
	clamp := func(i int) int {
		if i < 0 {
			i += n
		}
		return min(max(i, 0), n)
	}
	start, stop = clamp(start), clamp(stop)
	if start >= stop {
		return []any{}
	}
	return append([]any{}, items[start:stop]...)
}

// sortArray is utils.sort_array(items, fields, order) as limit's caller uses it.
func sortArray(items []any, kwargs messages.Object) ([]any, error) {
	order, ok := kwargs.Get("order")
	if !ok {
		order = "asc"
	}
	ascending, isBool := order.(bool)
	if !isBool {
		return nil, messages.ErrInvalidSortAscending.New()
	}
	var fields []string
	if v, ok := kwargs.Get("fields"); ok {
		fields = textList(v)
	}
	first, isDict := items[0].(messages.Object)
	if len(fields) == 0 {
		if isDict {
			return items, nil
		}
		return sortedBy(items, func(x any) []any { return []any{x} }, ascending)
	}
	if !isDict {
		return items, nil
	}
	var wrong []string
	for _, f := range fields {
		if !first.Has(f) {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) > 0 {
		keys := make([]string, len(first))
		for i, m := range first {
			keys[i] = m.Key
		}
		e := messages.ErrInvalidSortField.New()
		remediation := "Allowed sort fields: " + strings.Join(keys, ", ") + ". Wrong fields: " + strings.Join(wrong, ", ")
		e.ExtraRemediation = &remediation
		return nil, e
	}
	return sortedBy(items, func(x any) []any {
		o, _ := x.(messages.Object)
		key := make([]any, len(fields))
		for i, f := range fields {
			v, _ := o.Get(f)
			if s, isString := v.(string); isString {
				v = strings.ToLower(s)
			}
			key[i] = v
		}
		return key
	}, ascending)
}

// sortedBy is a stable sorted(items, key=..., reverse=not ascending); keys Python cannot
// compare are a TypeError.
func sortedBy(items []any, key func(any) []any, ascending bool) ([]any, error) {
	keys := make([][]any, len(items))
	for i, it := range items {
		keys[i] = key(it)
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var failed bool
	less := func(a, b []any) bool {
		for k := range a {
			c, ok := pyOrder(a[k], b[k])
			if !ok {
				failed = true
				return false
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	}
	sort.SliceStable(idx, func(x, y int) bool {
		if ascending {
			return less(keys[idx[x]], keys[idx[y]])
		}
		return less(keys[idx[y]], keys[idx[x]])
	})
	if failed {
		return nil, errPyType
	}
	out := make([]any, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out, nil
}

// pyOrder compares two decoded values as Python's < does for the types it orders: numbers
// with numbers, strings with strings; ok is false where Python raises TypeError.
func pyOrder(a, b any) (int, bool) {
	if isPyNumber(a) && isPyNumber(b) {
		ia, okA := pyInteger(a)
		ib, okB := pyInteger(b)
		if okA && okB {
			return ia.Cmp(ib), true
		}
		return pyCompare(pyFloat(a), pyFloat(b)), true
	}
	sa, okA := a.(string)
	sb, okB := b.(string)
	if okA && okB {
		return strings.Compare(sa, sb), true
	}
	return 0, false
}
