package dapi

import (
	"slices"

	"github.com/clusterd/clusterd/messages"
)

func (a *AffectedItems) appendWire(b []byte) []byte {
	keys := make([]any, len(a.failed))
	values := make([]any, len(a.failed))
	for i, g := range a.failed {
		keys[i] = messages.Object{{Key: "__object__", Value: g.err.ToDict()}, {Key: "__class__", Value: g.err.Class}}
		values[i] = g.ids
	}
	items, ascending := a.Items, a.SortAscending
	if items == nil {
		items = []any{}
	}
	if ascending == nil {
		ascending = []any{true}
	}
	casting := a.SortCasting
	if casting == nil {
		casting = []string{"int"}
	}
	var fields any
	if a.SortFields != nil {
		fields = a.SortFields
	}
	dikt := a.Dikt
	if dikt == nil {
		dikt = messages.Object{}
	}
	return append(b, messages.EncodeJSON(messages.WazuhResult{Class: classAffectedItems, Fields: messages.Object{
		{Key: "affected_items", Value: items},
		{Key: "sort_fields", Value: fields},
		{Key: "sort_casting", Value: casting},
		{Key: "sort_ascending", Value: ascending},
		{Key: "total_affected_items", Value: a.Total},
		{Key: "total_failed_items", Value: a.TotalFailed()},
		{Key: "dikt", Value: dikt},
		{Key: "all_msg", Value: a.AllMsg},
		{Key: "some_msg", Value: a.SomeMsg},
		{Key: "none_msg", Value: a.NoneMsg},
		{Key: "failed_items_keys", Value: keys},
		{Key: "failed_items_values", Value: values},
	}})...)
}

// MarshalJSON lets a result nested in another result's values encode in Wazuh's shape.
func (a *AffectedItems) MarshalJSON() ([]byte, error) { return EncodeResult(a), nil }

// allowedCastings are the sort_casting types decode_json accepts, in the order its error
// message lists them.
var allowedCastings = []string{"bool", "float", "int", "str"}

// affectedFromWire is AffectedItemsWazuhResult.decode_json. The sort_casting checks come first
// and raise WazuhInternalError 1000 with Wazuh's texts; a missing or mistyped member is the
// hook's "cannot be decoded" error. Wazuh does not check the members' types at all; this
// decoder wants the types Wazuh itself writes, and string ids.
func affectedFromWire(v any) (Result, error) {
	obj, ok := v.(messages.Object)
	if !ok {
		return nil, errUndecodable{}
	}
	casting, err := sortCastingFromWire(obj)
	if err != nil {
		return nil, err
	}
	a := &AffectedItems{SortCasting: casting}
	var okAll [9]bool
	var rawFields, rawTotal any
	a.Items, okAll[0] = listMember(obj, "affected_items")
	rawFields, okAll[1] = obj.Get("sort_fields")
	a.SortAscending, okAll[2] = listMember(obj, "sort_ascending")
	rawTotal, okAll[3] = obj.Get("total_affected_items")
	a.Dikt, okAll[4] = objectMember(obj, "dikt")
	a.AllMsg, okAll[5] = stringAttr(obj, "all_msg")
	a.SomeMsg, okAll[6] = stringAttr(obj, "some_msg")
	a.NoneMsg, okAll[7] = stringAttr(obj, "none_msg")
	if rawFields != nil {
		a.SortFields, okAll[8] = stringList(rawFields)
	} else {
		okAll[8] = okAll[1]
	}
	total, okTotal := intValue(rawTotal)
	if !okTotal || slices.Contains(okAll[:], false) {
		return nil, errUndecodable{}
	}
	a.Total = total
	if err := a.failedFromWire(obj); err != nil {
		return nil, err
	}
	return a, nil
}

func sortCastingFromWire(obj messages.Object) ([]string, error) {
	raw, ok := obj.Get("sort_casting")
	if !ok {
		return []string{"int"}, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, messages.ErrInternal.With("sort_casting must be a list")
	}
	out := make([]string, 0, len(list))
	for _, t := range list {
		s, ok := t.(string)
		if !ok {
			return nil, messages.ErrInternal.With("sort_casting type must be a string, got " + pyClassName(t))
		}
		if !slices.Contains(allowedCastings, s) {
			return nil, messages.ErrInternal.With("Invalid sort_casting type '" + s + "'. Allowed types: bool, float, int, str")
		}
		out = append(out, s)
	}
	return out, nil
}

// failedFromWire reads failed_items_keys and failed_items_values pairwise (zip: the shorter
// list decides), each key an exception rebuilt with from_dict.
func (a *AffectedItems) failedFromWire(obj messages.Object) error {
	keys, okKeys := listMember(obj, "failed_items_keys")
	values, okValues := listMember(obj, "failed_items_values")
	if !okKeys || !okValues {
		return errUndecodable{}
	}
	for i := 0; i < len(keys) && i < len(values); i++ {
		key, ok := keys[i].(messages.Object)
		if !ok {
			return errUndecodable{}
		}
		class, okClass := key.Get("__class__")
		fields, okFields := key.Get("__object__")
		ids, okIDs := stringList(values[i])
		if !okClass || !okFields || !okIDs {
			return errUndecodable{}
		}
		exc, err := messages.AsWazuhObject(messages.Object{{Key: "__wazuh_exception__", Value: messages.Object{
			{Key: "__class__", Value: class}, {Key: "__object__", Value: fields},
		}}})
		we, ok := exc.(*messages.WazuhError)
		if err != nil || !ok {
			return errUndecodable{}
		}
		g := a.group(we, failedKey(we))
		for _, id := range ids {
			g.add(id)
		}
	}
	return nil
}

func listMember(o messages.Object, key string) ([]any, bool) {
	v, ok := o.Get(key)
	if !ok {
		return nil, false
	}
	l, ok := v.([]any)
	return l, ok
}

func objectMember(o messages.Object, key string) (messages.Object, bool) {
	v, ok := o.Get(key)
	if !ok {
		return nil, false
	}
	m, ok := v.(messages.Object)
	return m, ok
}
