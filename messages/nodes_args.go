package messages

import (
	"bytes"
	"fmt"
)

// Defaults and bounds of get_nodes paging (Wazuh's common.DATABASE_LIMIT and
// MAXIMUM_DATABASE_LIMIT).
const (
	DefaultNodesLimit = 500
	MaxNodesLimit     = 100000
)

// Node-type filters of get_nodes.
const FilterTypeAll = "all"

// SortArgs orders a get_nodes result: by Fields, descending when Order is "desc".
type SortArgs struct {
	Fields []string
	Order  string
}

// SearchArgs keeps the nodes having (or, with Negation, not having) an attribute that contains
// Value, case-insensitively.
type SearchArgs struct {
	Value    string
	Negation bool
}

// GetNodesArgs are the arguments of get_nodes (§13.1), the keyword arguments of Wazuh's
// get_connected_nodes. A nil FilterNode or Select means "no filter"/"all fields"; an empty
// non-nil one selects nothing.
type GetNodesArgs struct {
	FilterNode []string
	Offset     int
	Limit      int
	Sort       *SortArgs
	Search     *SearchArgs
	Select     []string
	FilterType string
	Distinct   bool
}

// DefaultGetNodesArgs returns the defaults: offset 0, limit 500, filter_type "all".
func DefaultGetNodesArgs() GetNodesArgs {
	return GetNodesArgs{Limit: DefaultNodesLimit, FilterType: FilterTypeAll}
}

// ParseGetNodesArgs decodes get_nodes arguments. An empty payload means the defaults; missing
// keys keep their defaults, as do a null offset or limit. filter_node may be one name or a
// list. Errors are *WazuhError: WazuhInternalError 1000 with the reason, as Wazuh answers a
// payload get_connected_nodes(**args) cannot take.
func ParseGetNodesArgs(p []byte) (GetNodesArgs, error) {
	args := DefaultGetNodesArgs()
	if len(bytes.TrimSpace(p)) == 0 {
		return args, nil
	}
	o, err := decodeObjectPayload(p)
	if err != nil {
		return GetNodesArgs{}, ErrInternal.With(err.Error())
	}
	for _, m := range o {
		if err := args.set(m); err != nil {
			return GetNodesArgs{}, ErrInternal.With(err.Error())
		}
	}
	return args, nil
}

func (a *GetNodesArgs) set(m Member) error {
	var err error
	switch m.Key {
	case "filter_node":
		a.FilterNode, err = parseFilterNode(m.Value)
	case "offset":
		a.Offset = 0
		if m.Value != nil {
			a.Offset, err = asInt(m.Value, m.Key)
		}
	case "limit":
		a.Limit = DefaultNodesLimit
		if m.Value != nil {
			a.Limit, err = asInt(m.Value, m.Key)
		}
	case "sort":
		a.Sort, err = parseSortArgs(m.Value)
	case "search":
		a.Search, err = parseSearchArgs(m.Value)
	case "select":
		a.Select = nil
		if m.Value != nil {
			a.Select, err = asStringList(m.Value, m.Key)
		}
	case "filter_type":
		// null is kept as "", which SelectNodes refuses with 1728 as Wazuh does.
		a.FilterType = ""
		if m.Value != nil {
			a.FilterType, err = asString(m.Value, m.Key)
		}
	case "distinct":
		a.Distinct, err = asBool(m.Value, m.Key)
	default:
		err = fmt.Errorf("AbstractServer.get_connected_nodes() got an unexpected keyword argument '%s'", m.Key)
	}
	return err
}

func parseFilterNode(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	}
	return asStringList(v, "filter_node")
}

func parseSortArgs(v any) (*SortArgs, error) {
	if v == nil {
		return nil, nil
	}
	o, err := asObject(v, "sort")
	if err != nil {
		return nil, err
	}
	s := &SortArgs{Order: "asc"}
	if fields, ok := o.Get("fields"); ok && fields != nil {
		if s.Fields, err = asStringList(fields, "fields"); err != nil {
			return nil, err
		}
	}
	if order, ok := o.Get("order"); ok && order != nil {
		if s.Order, err = asString(order, "order"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func parseSearchArgs(v any) (*SearchArgs, error) {
	if v == nil {
		return nil, nil
	}
	o, err := asObject(v, "search")
	if err != nil {
		return nil, err
	}
	s := &SearchArgs{}
	if value, ok := o.Get("value"); ok && value != nil {
		if s.Value, err = asString(value, "value"); err != nil {
			return nil, err
		}
	}
	if negation, ok := o.Get("negation"); ok && negation != nil {
		if s.Negation, err = asBool(negation, "negation"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Encode writes the arguments as Wazuh's cluster control sends them: filter_node, offset,
// limit, sort, search, select, filter_type, plus distinct only when set.
func (a GetNodesArgs) Encode() []byte {
	o := Object{
		{Key: "filter_node", Value: stringsOrNull(a.FilterNode)},
		{Key: "offset", Value: a.Offset},
		{Key: "limit", Value: a.Limit},
		{Key: "sort", Value: nil},
		{Key: "search", Value: nil},
		{Key: "select", Value: stringsOrNull(a.Select)},
		{Key: "filter_type", Value: a.FilterType},
	}
	if a.Sort != nil {
		o[3].Value = Object{{Key: "fields", Value: stringsOrEmpty(a.Sort.Fields)}, {Key: "order", Value: a.Sort.Order}}
	}
	if a.Search != nil {
		o[4].Value = Object{{Key: "value", Value: a.Search.Value}, {Key: "negation", Value: a.Search.Negation}}
	}
	if a.Distinct {
		o = append(o, Member{Key: "distinct", Value: true})
	}
	return EncodeJSON(o)
}

func stringsOrNull(s []string) any {
	if s == nil {
		return nil
	}
	return s
}

func stringsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
