package node

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// overviewExecutor is the node's Distributed API executor while no other is wired: it runs
// Agent.get_agents_overview (cluster_control -a) from the store, and answers every other
// function with the exception that names it (dapi.NotExecuted), at once.
type overviewExecutor struct{ agents agentsOverview }

// overviewFields are the fields of an agents overview row, in Wazuh's select order.
var overviewFields = []string{"id", "name", "ip", "status", "version", "node_name"}

func (e overviewExecutor) Execute(ctx context.Context, req *dapi.Request) (dapi.Result, error) {
	if req.F.Module != "wazuh.core.agent" || req.F.Qualname != "Agent.get_agents_overview" {
		return nil, dapi.NotExecuted(req.F)
	}
	kw := req.ExecKwargs()
	var q messages.AgentsQuery
	if f, ok := kw.Get("filters"); ok {
		if filters, ok := f.(messages.Object); ok {
			q.Status = filterValues(filters, "status")
			q.Nodes = filterValues(filters, "node_name")
		}
	}
	rows, err := e.agents.AgentsOverview(ctx)
	if err != nil {
		return nil, err
	}
	rows = messages.FilterAgents(rows, q)
	total := len(rows)
	offset, limit := kwargInt(kw, "offset", 0), kwargInt(kw, "limit", -1)
	rows = rows[min(offset, len(rows)):]
	if limit >= 0 {
		rows = rows[:min(limit, len(rows))]
	}
	fields := overviewFields
	if v, ok := kw.Get("select"); ok {
		if list, ok := v.([]any); ok {
			fields = nil
			for _, name := range overviewFields {
				for _, s := range list {
					if s == name {
						fields = append(fields, name)
					}
				}
			}
		}
	}
	items := make([]any, 0, len(rows))
	for _, r := range rows {
		values := map[string]string{"id": r.ID, "name": r.Name, "ip": r.IP, "status": r.Status, "version": r.Version, "node_name": r.NodeName}
		item := messages.Object{}
		for _, f := range fields {
			if values[f] != "" || f == "id" || f == "name" {
				item = append(item, messages.Member{Key: f, Value: values[f]})
			}
		}
		items = append(items, item)
	}
	return dapi.NewWazuhResult(messages.Object{{Key: "items", Value: items}, {Key: "totalItems", Value: total}}), nil
}

// filterValues reads a filter of get_agents_overview: "a,b" (what cluster_control sends) or a
// list; "all" or nothing is no filter.
func filterValues(filters messages.Object, key string) []string {
	v, _ := filters.Get(key)
	var out []string
	switch x := v.(type) {
	case string:
		if x != "" && x != "all" {
			out = strings.Split(x, ",")
		}
	case []any:
		for _, e := range x {
			out = append(out, messages.PyStr(e))
		}
	}
	return out
}

// kwargInt reads an integer keyword argument; def when it is absent, None or not an integer.
func kwargInt(kw messages.Object, key string, def int) int {
	v, _ := kw.Get(key)
	switch x := v.(type) {
	case int:
		return x
	case json.Number:
		if n, err := strconv.Atoi(string(x)); err == nil {
			return n
		}
	}
	return def
}
