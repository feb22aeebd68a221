package messages

import (
	"sort"
	"strconv"
	"strings"
)

// SelectNodes answers get_nodes over all, the master first and then the workers in connection
// order, as Wazuh's get_connected_nodes does: checks select (1724), filter_type (1728) and
// filter_node (1730, WazuhResourceNotFound) in that order, keeps the matching nodes, projects
// the selected fields, then sorts, searches, removes duplicates (distinct) and pages (1400,
// 1401, 1405, 1406) like utils.process_array.
func SelectNodes(all []NodeInfo, args GetNodesArgs) (NodesResult, *WazuhError) {
	if err := checkSelect(args.Select); err != nil {
		return NodesResult{}, err
	}
	if args.FilterType != FilterTypeAll && args.FilterType != NodeTypeMaster && args.FilterType != NodeTypeWorker {
		return NodesResult{}, ErrInvalidNodeType.New()
	}
	if args.FilterNode != nil && !allKnown(all, args.FilterNode) {
		return NodesResult{}, ErrNodeNotFound.New()
	}
	fields := nodeFieldNames
	if args.Select != nil {
		fields = dedupe(args.Select)
	}
	var items []NodeItem
	for _, n := range all {
		if args.FilterNode != nil && !contains(args.FilterNode, n.Name) {
			continue
		}
		if args.FilterType != FilterTypeAll && n.Type != args.FilterType {
			continue
		}
		items = append(items, project(n, fields))
	}
	return processItems(items, args)
}

// processItems is utils.process_array for node items.
func processItems(items []NodeItem, args GetNodesArgs) (NodesResult, *WazuhError) {
	if len(items) == 0 {
		// process_array returns before validating anything when there is nothing to process.
		return NodesResult{Items: []NodeItem{}}, nil
	}
	if args.Sort != nil {
		if err := sortItems(items, args.Sort); err != nil {
			return NodesResult{}, err
		}
	}
	if args.Search != nil && args.Search.Value != "" {
		items = searchItems(items, args.Search)
	}
	if args.Distinct {
		items = distinctItems(items)
	}
	page, err := cutItems(items, args.Offset, args.Limit)
	if err != nil {
		return NodesResult{}, err
	}
	return NodesResult{Items: page, TotalItems: len(items)}, nil
}

func checkSelect(selected []string) *WazuhError {
	if selected == nil {
		return nil
	}
	var invalid []string
	for _, f := range dedupe(selected) {
		if !contains(nodeFieldNames, f) {
			invalid = append(invalid, f)
		}
	}
	if len(invalid) == 0 {
		return nil
	}
	e := ErrInvalidSelectField.With(strings.Join(invalid, ", "))
	remediation := strings.Join(nodeFieldNames, ", ")
	e.ExtraRemediation = &remediation
	return e
}

func allKnown(all []NodeInfo, names []string) bool {
	for _, name := range names {
		found := false
		for _, n := range all {
			if n.Name == name {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func project(n NodeInfo, fields []string) NodeItem {
	item := make(NodeItem, 0, len(fields))
	for _, f := range fields {
		v, _ := n.field(f)
		item = append(item, NodeField{Key: f, Value: v})
	}
	return item
}

// sortItems is sort_array: a stable sort on the lower-cased values of the sort fields (Python's
// sorted(reverse=True) keeps equal items in their original order too). [""] means "no sort".
func sortItems(items []NodeItem, s *SortArgs) *WazuhError {
	if len(s.Fields) == 0 || len(s.Fields) == 1 && s.Fields[0] == "" {
		return nil
	}
	var wrong []string
	for _, f := range dedupe(s.Fields) {
		if !contains(nodeFieldNames, f) {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) > 0 {
		e := ErrInvalidSortField.New()
		remediation := "Allowed sort fields: " + strings.Join(nodeFieldNames, ", ") + ". Wrong fields: " + strings.Join(wrong, ", ")
		e.ExtraRemediation = &remediation
		return e
	}
	descending := s.Order == "desc"
	sort.SliceStable(items, func(i, j int) bool {
		c := compareItems(items[i], items[j], s.Fields)
		if descending {
			return c > 0
		}
		return c < 0
	})
	return nil
}

// compareItems compares the sort keys of two items; a field an item does not have (not
// selected) compares equal, as Python's None == None does.
func compareItems(a, b NodeItem, fields []string) int {
	for _, f := range fields {
		av, aok := a.Get(f)
		bv, bok := b.Get(f)
		if !aok || !bok {
			continue
		}
		if c := strings.Compare(strings.ToLower(av), strings.ToLower(bv)); c != 0 {
			return c
		}
	}
	return 0
}

// searchItems is search_array: keep the items with (or, negated, without) a value containing
// the lower-cased search text.
func searchItems(items []NodeItem, s *SearchArgs) []NodeItem {
	needle := strings.ToLower(s.Value)
	kept := make([]NodeItem, 0, len(items))
	for _, it := range items {
		found := false
		for _, f := range it {
			if strings.Contains(strings.ToLower(f.Value), needle) {
				found = true
				break
			}
		}
		if found != s.Negation {
			kept = append(kept, it)
		}
	}
	return kept
}

func distinctItems(items []NodeItem) []NodeItem {
	kept := make([]NodeItem, 0, len(items))
	for _, it := range items {
		seen := false
		for _, k := range kept {
			if k.equal(it) {
				seen = true
				break
			}
		}
		if !seen {
			kept = append(kept, it)
		}
	}
	return kept
}

// cutItems is cut_array: the limit is checked first (1405 above the maximum, 1406 for 0), then
// the offset (1400) and the limit again (1401); slicing past the end gives an empty page.
func cutItems(items []NodeItem, offset, limit int) ([]NodeItem, *WazuhError) {
	switch {
	case limit > MaxNodesLimit:
		return nil, ErrLimitTooLarge.With(strconv.Itoa(limit))
	case limit == 0:
		return nil, ErrZeroLimit.New()
	case offset < 0:
		return nil, ErrInvalidOffset.New()
	case limit < 1:
		return nil, ErrInvalidLimit.New()
	}
	if offset >= len(items) {
		return []NodeItem{}, nil
	}
	end := len(items)
	if limit < end-offset {
		end = offset + limit
	}
	return items[offset:end], nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// dedupe keeps the first occurrence of each string, as building a Python dict or set from a
// list does for its keys.
func dedupe(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
