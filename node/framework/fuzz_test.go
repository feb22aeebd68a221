package framework

import (
	"context"
	"errors"
	"testing"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The API's q, search, sort, select and filter values reach the agent query builder as the
// caller wrote them: whatever they hold, the answer is a result or an exception (Wazuh's
// error, or 1000 for what Python would fail on), and the store is never changed.
func FuzzAgentQuery(f *testing.F) {
	for _, seed := range []struct{ q, search, sort, sel, filter string }{
		{"status=active;(name~web,ip=10.0.0.1)", "web", "name", "id", "active"},
		{"lastKeepAlive<1h", "", "-os.version", "os.name", "null"},
		{"group!=default,version=Wazuh v4.14.7", "'\"", "version", "group", "all"},
		{"(((id=1", "%_", "id,name", "", "a;b"},
		{"dateAdd>2026-01-01T00:00:00Z", "4", "", "status", "4.8.0"},
		{"name=[a,b]", "x", "status_code", "lastKeepAlive", "{\"a\": 1}"},
	} {
		f.Add(seed.q, seed.search, seed.sort, seed.sel, seed.filter)
	}
	n := agentsNode(f)
	f.Fuzz(func(t *testing.T, q, search, sortField, sel, filter string) {
		kwargs := messages.Object{
			{Key: "q", Value: q},
			{Key: "search", Value: messages.Object{{Key: "value", Value: search}, {Key: "negation", Value: len(search)%2 == 1}}},
			{Key: "filters", Value: messages.Object{{Key: "status", Value: []any{filter}}, {Key: "name", Value: filter}}},
		}
		if sortField != "" {
			kwargs = append(kwargs, messages.Member{Key: "sort", Value: messages.Object{{Key: "fields", Value: []any{sortField}}, {Key: "order", Value: "desc"}}})
		}
		if sel != "" {
			kwargs = append(kwargs, messages.Member{Key: "select", Value: []any{sel}})
		}
		req := request(t, "wazuh.agent", "get_agents", string(messages.EncodeJSON(kwargs)), reqOpts{})
		res, err := n.native.Execute(context.Background(), req)
		var we *messages.WazuhError
		var pe pyError
		switch {
		case err == nil:
			if _, ok := res.(*dapi.AffectedItems); !ok {
				t.Fatalf("result %T", res)
			}
		case errors.As(err, &we), errors.As(err, &pe):
		default:
			t.Fatalf("q %q: unexpected error %v", q, err)
		}
		all, err := n.native.Execute(context.Background(), request(t, "wazuh.agent", "get_agents", `{}`, reqOpts{}))
		if err != nil || all.(*dapi.AffectedItems).Total != 5 {
			t.Fatalf("q %q: agents left %v (%v)", q, all, err)
		}
	})
}

// q over an in-memory list (the nodes, the groups) never fails otherwise than Wazuh does.
func FuzzFilterArrayByQuery(f *testing.F) {
	for _, seed := range []string{"name=master", "type!=worker;ip~10", "(count>1),name<b", "x.y=1", "name", ",;", "a=2026-01-01"} {
		f.Add(seed)
	}
	items := []any{
		messages.Object{{Key: "name", Value: "master"}, {Key: "count", Value: int64(2)}, {Key: "x", Value: messages.Object{{Key: "y", Value: []any{"1", "2"}}}}},
		messages.Object{{Key: "name", Value: "worker1"}, {Key: "type", Value: "worker"}, {Key: "ip", Value: nil}},
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, err := filterArrayByQuery(q, items)
		var we *messages.WazuhError
		var pe pyError
		if err != nil && !errors.As(err, &we) && !errors.As(err, &pe) {
			t.Fatalf("q %q: %v", q, err)
		}
		if len(out) > len(items) {
			t.Fatalf("q %q kept %d of %d", q, len(out), len(items))
		}
	})
}
