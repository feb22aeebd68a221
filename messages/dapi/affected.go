package dapi

import (
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// AffectedItems is results.py's AffectedItemsWazuhResult, the result of every listing: the
// items, how they are sorted (which a merge of several nodes' answers follows), the messages
// the REST API picks from, and the failed items grouped by exception as Wazuh groups them.
type AffectedItems struct {
	Items         []any           // affected_items, decoded JSON values (usually messages.Object)
	SortFields    []string        // sort_fields; nil is None
	SortCasting   []string        // sort_casting: "int", "float", "str" or "bool"; ["int"] by default
	SortAscending []any           // sort_ascending: [true] by default (syscollector sends ["True"])
	Total         int             // total_affected_items, which may exceed len(Items)
	Dikt          messages.Object // extra members of the REST answer's data
	AllMsg        string          // message when every item succeeded
	SomeMsg       string          // message when some failed
	NoneMsg       string          // message when nothing was affected

	failed []failedGroup
}

// failedGroup is a FailedItems with what finds it fast: its key and its ids as a set.
type failedGroup struct {
	err  *messages.WazuhError
	key  string
	ids  []string
	seen map[string]struct{}
}

func (g *failedGroup) add(id string) {
	if _, dup := g.seen[id]; !dup {
		g.seen[id] = struct{}{}
		g.ids = append(g.ids, id)
	}
}

// FailedItems is one group of failed items: the ids that failed with the same exception.
// Wazuh keys the groups by the exception's type, title, code, extra message, extra remediation
// and cmd_error (not by its class, ids or dapi_errors); the first exception of a group stays
// its key.
type FailedItems struct {
	Err *messages.WazuhError
	IDs []string
}

// NewAffectedItems is AffectedItemsWazuhResult(all_msg=..., some_msg=..., none_msg=...): no
// item, sort_casting ["int"], sort_ascending [true].
func NewAffectedItems(allMsg, someMsg, noneMsg string) *AffectedItems {
	return &AffectedItems{
		SortCasting:   []string{"int"},
		SortAscending: []any{true},
		Dikt:          messages.Object{},
		AllMsg:        allMsg,
		SomeMsg:       someMsg,
		NoneMsg:       noneMsg,
	}
}

// AddFailed is add_failed_item: id joins the group of err, or a new group at the end.
func (a *AffectedItems) AddFailed(id string, err *messages.WazuhError) {
	a.group(err, failedKey(err)).add(id)
}

// group finds the group keyed key, or starts one for err.
func (a *AffectedItems) group(err *messages.WazuhError, key string) *failedGroup {
	for i := range a.failed {
		if a.failed[i].key == key {
			return &a.failed[i]
		}
	}
	a.failed = append(a.failed, failedGroup{err: err, key: key, seen: map[string]struct{}{}})
	return &a.failed[len(a.failed)-1]
}

// AddFailedFrom is add_failed_items_from: every failed item of b, in b's order.
func (a *AffectedItems) AddFailedFrom(b *AffectedItems) {
	for _, g := range b.failed {
		into := a.group(g.err, g.key)
		for _, id := range g.ids {
			into.add(id)
		}
	}
}

// RemoveFailed is remove_failed_items: drops the groups whose exception has one of codes (the
// exclude_codes of a function's RBAC post-processing).
func (a *AffectedItems) RemoveFailed(codes ...int) {
	a.failed = slices.DeleteFunc(a.failed, func(g failedGroup) bool { return slices.Contains(codes, g.err.Code) })
}

// Failed returns the failed-item groups, in the order they were added.
func (a *AffectedItems) Failed() []FailedItems {
	out := make([]FailedItems, len(a.failed))
	for i, g := range a.failed {
		out[i] = FailedItems{Err: g.err, IDs: slices.Clone(g.ids)}
	}
	return out
}

// TotalFailed is total_failed_items: how many ids failed, over every group.
func (a *AffectedItems) TotalFailed() int {
	n := 0
	for _, g := range a.failed {
		n += len(g.ids)
	}
	return n
}

// Message is the message the REST API shows: none_msg when nothing was affected, else all_msg
// without failures and some_msg with some.
func (a *AffectedItems) Message() string {
	switch {
	case a.Total == 0:
		return a.NoneMsg
	case a.TotalFailed() == 0:
		return a.AllMsg
	}
	return a.SomeMsg
}

// clone copies a deeply enough that merging into the copy leaves a alone.
func (a *AffectedItems) clone() *AffectedItems {
	c := *a
	c.Items = slices.Clone(a.Items)
	c.Dikt = slices.Clone(a.Dikt)
	c.failed = nil
	c.AddFailedFrom(a)
	return &c
}

// failedKey is what Wazuh hashes and compares an exception by when it groups failed items.
func failedKey(e *messages.WazuhError) string {
	var remediation any
	if e.ExtraRemediation != nil {
		remediation = *e.ExtraRemediation
	}
	return string(messages.EncodeJSON([]any{e.Type(), e.Title(), e.Code, e.ExtraMessage, remediation, e.CmdError}))
}
