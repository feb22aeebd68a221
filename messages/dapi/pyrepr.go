package dapi

import (
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// String is Python's repr() of the result, "WazuhResult({'_str_priority': None, 'dikt': {...}})",
// which Wazuh prints (cluster_control) and puts in error messages.
func (r *WazuhResult) String() string {
	var priority any
	if r.StrPriority != nil {
		priority = r.StrPriority
	}
	return classWazuhResult + "(" + messages.PyRepr(messages.Object{
		{Key: "_str_priority", Value: priority},
		{Key: "dikt", Value: r.dictOrEmpty()},
	}) + ")"
}

func (r *WazuhResult) dictOrEmpty() messages.Object {
	if r.Dict == nil {
		return messages.Object{}
	}
	return r.Dict
}

// String is Python's repr() of the result: the class and its __dict__, failed items as
// {exception: {ids}}.
func (a *AffectedItems) String() string {
	groups := a.Failed()
	failed := make([]string, len(groups))
	for i, g := range groups {
		ids := "set()"
		if len(g.IDs) > 0 {
			quoted := make([]string, len(g.IDs))
			for j, id := range g.IDs {
				quoted[j] = messages.PyStrRepr(id)
			}
			ids = "{" + strings.Join(quoted, ", ") + "}"
		}
		failed[i] = messages.PyRepr(g.Err) + ": " + ids
	}
	var fields any
	if a.SortFields != nil {
		fields = a.SortFields
	}
	dikt := a.Dikt
	if dikt == nil {
		dikt = messages.Object{}
	}
	items := a.Items
	if items == nil {
		items = []any{}
	}
	head := messages.PyRepr(messages.Object{{Key: "dikt", Value: dikt}, {Key: "_affected_items", Value: items}})
	tail := messages.PyRepr(messages.Object{
		{Key: "_total_affected_items", Value: a.Total},
		{Key: "_total_failed_items", Value: a.TotalFailed()},
		{Key: "_sort_fields", Value: fields},
		{Key: "_sort_casting", Value: a.SortCasting},
		{Key: "_sort_ascending", Value: a.SortAscending},
		{Key: "_all_msg", Value: a.AllMsg},
		{Key: "_some_msg", Value: a.SomeMsg},
		{Key: "_none_msg", Value: a.NoneMsg},
	})
	return classAffectedItems + "(" + head[:len(head)-1] + ", '_failed_items': {" + strings.Join(failed, ", ") + "}, " +
		tail[1:] + ")"
}
