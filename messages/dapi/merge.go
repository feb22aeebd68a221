package dapi

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Merge is a | b for two nodes' answers, as results.py and exception.py define it (DAPI §3.5):
//
//   - AffectedItems | AffectedItems: the dicts merged, failed items united, affected items
//     merged in the order of a's sort_fields/sort_ascending/sort_casting (both being sorted
//     that way already), totals added;
//   - AffectedItems | a WazuhError with ids: the ids become failed items of a; without ids, or
//     any other exception: the exception;
//   - WazuhResult | WazuhResult: dicts merged recursively — keys added, nested dicts merged
//     (into nested WazuhResults, as Wazuh does), lists concatenated without repeats, numbers
//     added, different strings joined with "|" unless str_priority settles them;
//   - an exception | an exception: the first one, dapi_errors united (and ids, for WazuhError);
//     an exception | a result: result | exception.
//
// The error is what Wazuh raises instead (1000 "Cannot be merged with ..." for an AffectedItems
// and a WazuhResult; a plain error for Python's TypeError or ValueError): answer it with
// Request.Fail.
func Merge(a, b Result) (Result, error) {
	a, err := decodeRaw(a)
	if err != nil {
		return nil, err
	}
	if b, err = decodeRaw(b); err != nil {
		return nil, err
	}
	return or(a, b)
}

func or(a, b Result) (Result, error) {
	switch x := a.(type) {
	case Exception:
		if y, ok := b.(Exception); ok {
			return Exception{Err: orExceptions(x.Err, y.Err)}, nil
		}
		return or(b, a)
	case *WazuhResult:
		if y, ok := b.(Exception); ok {
			return y, nil
		}
		dict, err := mergeDict(x.Dict, dictOf(b), classWazuhResult, x.StrPriority)
		if err != nil {
			return nil, err
		}
		return &WazuhResult{Dict: dict, StrPriority: x.StrPriority}, nil
	case *AffectedItems:
		return orAffected(x, b)
	}
	return nil, fmt.Errorf("dapi: cannot merge %T", a)
}

// dictOf is what a result iterates as a mapping: its dict.
func dictOf(r Result) messages.Object {
	switch x := r.(type) {
	case *WazuhResult:
		return x.Dict
	case *AffectedItems:
		return x.Dikt
	}
	return nil
}

// orExceptions is WazuhException.__or__ (and WazuhError's, which unites ids): a copy of a with
// both dapi_errors.
func orExceptions(a, b *messages.WazuhError) *messages.WazuhError {
	c := *a
	c.DapiErrors = make(map[string]any, len(a.DapiErrors)+len(b.DapiErrors))
	for k, v := range a.DapiErrors {
		c.DapiErrors[k] = v
	}
	for k, v := range b.DapiErrors {
		c.DapiErrors[k] = v
	}
	if hasIDs(a.Class) && hasIDs(b.Class) {
		c.IDs = slices.Clone(a.IDs)
		for _, id := range b.IDs {
			if !slices.Contains(c.IDs, id) {
				c.IDs = append(c.IDs, id)
			}
		}
	}
	return &c
}

// hasIDs reports the WazuhError family, whose exceptions carry ids.
func hasIDs(class string) bool {
	switch class {
	case messages.ClassWazuhError, messages.ClassWazuhPermissionError, messages.ClassWazuhResourceNotFound,
		messages.ClassWazuhTooManyRequests, messages.ClassWazuhNotAcceptable:
		return true
	}
	return false
}

func orAffected(a *AffectedItems, b Result) (Result, error) {
	if e, ok := b.(Exception); ok {
		if hasIDs(e.Err.Class) && len(e.Err.IDs) > 0 {
			out := a.clone()
			g := out.group(e.Err, failedKey(e.Err))
			for _, id := range e.Err.IDs {
				g.add(id)
			}
			return out, nil
		}
		return e, nil
	}
	dikt, err := mergeDict(a.Dikt, dictOf(b), classAffectedItems, nil)
	if err != nil {
		return nil, err
	}
	other, ok := b.(*AffectedItems)
	if !ok {
		return nil, messages.ErrInternal.With("Cannot be merged with " + pyClassRepr(b) + " object")
	}
	out := a.clone()
	out.Dikt = dikt
	out.AddFailedFrom(other)
	if out.Items, err = mergeItems(a.Items, other.Items, a.SortFields, a.SortAscending, a.SortCasting); err != nil {
		return nil, err
	}
	out.Total = a.Total + other.Total
	return out, nil
}

// mergeDict is AbstractWazuhResult.__or__'s loop over the right-hand dict; class is the
// left-hand result's, which nested dicts are merged as.
func mergeDict(self, other messages.Object, class string, priority []string) (messages.Object, error) {
	out := slices.Clone(self)
	if out == nil {
		out = messages.Object{}
	}
	for _, m := range other {
		cur, present := out.Get(m.Key)
		if !present {
			out = append(out, m)
			continue
		}
		var (
			v   any
			err error
		)
		switch field := m.Value.(type) {
		case messages.Object:
			v, err = mergeNested(cur, field, class)
		case []any:
			v, err = mergeList(cur, field)
		case string:
			v, err = mergeString(cur, field, m.Key, class, priority)
		default:
			if !isPyNumber(field) {
				continue // None and other values leave the left one as it is
			}
			v, err = pyAdd(cur, field)
		}
		if err != nil {
			return nil, err
		}
		out = setKwarg(out, m.Key, v)
	}
	return out, nil
}

// mergeNested is _merge_dict: class(self_field) | class(other_field), a result of the
// left-hand class stored where the dict was.
func mergeNested(cur any, field messages.Object, class string) (any, error) {
	var dict messages.Object
	switch c := cur.(type) {
	case messages.Object:
		dict = c
	case *WazuhResult:
		dict = c.Dict
	case *AffectedItems:
		dict = c.Dikt
	default:
		return nil, notADict(cur)
	}
	if class == classWazuhResult {
		return or(NewWazuhResult(dict), NewWazuhResult(field))
	}
	left, right := NewAffectedItems("", "", ""), NewAffectedItems("", "", "")
	left.Dikt, right.Dikt = dict, field
	return or(left, right)
}

// mergeList is _merge_list: the left list, then the right one's items it does not hold.
// Scalars are looked up by their value (Python's 1 == 1.0 == True included); containers are
// compared one by one, as Python does.
func mergeList(cur any, field []any) (any, error) {
	left, ok := cur.([]any)
	if !ok {
		return nil, errPyType
	}
	scalars := make(map[string]struct{}, len(left))
	var containers []any
	for _, x := range left {
		if k, ok := scalarKey(x); ok {
			scalars[k] = struct{}{}
		} else {
			containers = append(containers, x)
		}
	}
	out := slices.Clone(left)
	for _, e := range field {
		if k, ok := scalarKey(e); ok {
			if _, held := scalars[k]; !held {
				out = append(out, e)
			}
			continue
		}
		if !slices.ContainsFunc(containers, func(x any) bool { return pyEqual(x, e) }) {
			out = append(out, e)
		}
	}
	return out, nil
}

// scalarKey is a key equal for the scalars Python finds equal: None, strings, and numbers by
// value (True, 1 and 1.0 alike).
func scalarKey(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "N", true
	case string:
		return "s" + x, true
	}
	if !isPyNumber(v) {
		return "", false
	}
	if i, ok := pyInteger(v); ok {
		return "n" + i.String(), true
	}
	f := pyFloat(v)
	if f == math.Trunc(f) && !math.IsInf(f, 0) {
		i, _ := big.NewFloat(f).Int(nil)
		return "n" + i.String(), true
	}
	return "f" + strconv.FormatFloat(f, 'g', -1, 64), true
}

// mergeString is _merge_str: AffectedItems keeps the left "older_than"; a WazuhResult with
// str_priority keeps the value that comes first in it; else "a|b" when they differ.
func mergeString(cur any, field, key, class string, priority []string) (any, error) {
	left, ok := cur.(string)
	switch {
	case class == classAffectedItems && key == "older_than":
		return cur, nil
	case class == classWazuhResult && priority != nil:
		order := append(slices.Clone(priority), messages.PyStr(cur), field)
		if slices.Index(order, messages.PyStr(cur)) < slices.Index(order, field) {
			return cur, nil
		}
		return field, nil
	case !ok:
		return nil, errPyType
	case left == field:
		return field, nil
	}
	return strings.Join([]string{left, field}, "|"), nil
}
