package dapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// obj decodes a JSON object for a test.
func obj(t testing.TB, text string) messages.Object {
	t.Helper()
	v, err := messages.DecodeOrdered([]byte(text))
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return v.(messages.Object)
}

func list(t testing.TB, text string) []any {
	t.Helper()
	v, err := messages.DecodeOrdered([]byte(text))
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return v.([]any)
}

// affected builds an AffectedItems sorted as described.
func affected(t testing.TB, items string, fields []string, casting []string, ascending ...any) *AffectedItems {
	a := NewAffectedItems("all", "some", "none")
	a.Items = list(t, items)
	a.Total = len(a.Items)
	a.SortFields = fields
	if casting != nil {
		a.SortCasting = casting
	}
	if ascending != nil {
		a.SortAscending = ascending
	}
	return a
}

func itemsOf(r Result) string { return string(messages.EncodeJSON(r.(*AffectedItems).Items)) }

func TestMergeAffectedItemsOrder(t *testing.T) {
	cases := []struct {
		name        string
		left, right *AffectedItems
		want        string
		err         bool
	}{
		{"by a string field", affected(t, `[{"name": "a"}, {"name": "c"}]`, []string{"name"}, []string{"str"}),
			affected(t, `[{"name": "b"}, {"name": "d"}]`, nil, nil), `[{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]`, false},
		{"descending", affected(t, `[{"n": "9"}, {"n": "10"}]`, []string{"n"}, []string{"int"}, false),
			affected(t, `[{"n": "11"}, {"n": "1"}]`, nil, nil), `[{"n": "11"}, {"n": "9"}, {"n": "10"}, {"n": "1"}]`, false},
		{"int casting of text numbers", affected(t, `[{"id": "9"}, {"id": "100"}]`, []string{"id"}, []string{"int"}),
			affected(t, `[{"id": " 10 "}, {"id": "1_000"}]`, nil, nil), `[{"id": "9"}, {"id": " 10 "}, {"id": "100"}, {"id": "1_000"}]`, false},
		{"the string 'False' is true", affected(t, `[{"n": 1}, {"n": 3}]`, []string{"n"}, []string{"int"}, "False"),
			affected(t, `[{"n": 2}]`, nil, nil), `[{"n": 1}, {"n": 2}, {"n": 3}]`, false},
		{"None first", affected(t, `[{"n": 1}]`, []string{"n"}, []string{"int"}),
			affected(t, `[{"m": 0}]`, nil, nil), `[{"m": 0}, {"n": 1}]`, false},
		{"nested and escaped fields", affected(t, `[{"os": {"name": "b"}}, {"os": {"name": "d"}}]`, []string{"os.name"}, []string{"str"}),
			affected(t, `[{"os": {"name": "c"}}]`, nil, nil), `[{"os": {"name": "b"}}, {"os": {"name": "c"}}, {"os": {"name": "d"}}]`, false},
		{"a key with a dot", affected(t, `[{"a.b": 1}, {"a.b": 3}]`, []string{`a\.b`}, []string{"int"}),
			affected(t, `[{"a.b": 2}]`, nil, nil), `[{"a.b": 1}, {"a.b": 2}, {"a.b": 3}]`, false},
		{"more fields than castings: the first only", affected(t, `[{"a": 1, "b": 9}]`, []string{"a", "b"}, []string{"int"}),
			affected(t, `[{"a": 1, "b": 0}]`, nil, nil), `[{"a": 1, "b": 9}, {"a": 1, "b": 0}]`, false},
		{"no sort field, str casting: the items' repr (ruleset synchronization)",
			affected(t, `[{"name": "worker1", "synced": true}]`, nil, []string{"str"}),
			affected(t, `[{"name": "master-node", "synced": true}]`, nil, nil),
			`[{"name": "master-node", "synced": true}, {"name": "worker1", "synced": true}]`, false},
		{"no sort field, int casting: int(dict) fails", affected(t, `[{"name": "a"}]`, nil, nil),
			affected(t, `[{"name": "b"}]`, nil, nil), ``, true},
		{"an empty side needs no comparison", affected(t, `[]`, nil, nil),
			affected(t, `[{"name": "b"}]`, nil, nil), `[{"name": "b"}]`, false},
		{"int casting of a word fails", affected(t, `[{"n": "x"}]`, []string{"n"}, []string{"int"}),
			affected(t, `[{"n": "1"}]`, nil, nil), ``, true},
	}
	for _, c := range cases {
		r, err := Merge(c.left, c.right)
		if c.err {
			if err == nil || !errors.Is(err, errPyType) {
				t.Errorf("%s: %v, want a TypeError", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := itemsOf(r); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if r.(*AffectedItems).Total != c.left.Total+c.right.Total {
			t.Errorf("%s: total %d", c.name, r.(*AffectedItems).Total)
		}
	}
}

func TestMergeAffectedItemsFailuresAndDicts(t *testing.T) {
	left := affected(t, `[]`, nil, nil)
	left.AddFailed("001", messages.NewResourceNotFound(1701, nil))
	left.Dikt = obj(t, `{"older_than": "1d", "n": 1, "tags": ["a"]}`)
	right := affected(t, `[]`, nil, nil)
	right.AddFailed("002", messages.NewResourceNotFound(1701, nil))
	right.AddFailed("003", messages.NewError(1707, nil))
	right.Dikt = obj(t, `{"older_than": "2d", "n": 2, "tags": ["a", "b"], "x": {"k": 1}}`)
	r, err := Merge(left, right)
	if err != nil {
		t.Fatal(err)
	}
	a := r.(*AffectedItems)
	var groups []string
	for _, g := range a.Failed() {
		groups = append(groups, strings.Join(g.IDs, ","))
	}
	if strings.Join(groups, " ") != "001,002 003" || a.TotalFailed() != 3 {
		t.Errorf("failed groups %v", groups)
	}
	if got := string(messages.EncodeJSON(a.Dikt)); got != `{"older_than": "1d", "n": 3, "tags": ["a", "b"], "x": {"k": 1}}` {
		t.Errorf("dikt %s", got)
	}
	if left.TotalFailed() != 1 || right.TotalFailed() != 2 {
		t.Error("Merge changed its operands")
	}
}

func TestMergeWithExceptions(t *testing.T) {
	items := affected(t, `[{"name": "a"}]`, nil, nil)
	withIDs := messages.NewClusterError(3022, "worker9")
	withIDs.Class, withIDs.IDs = messages.ClassWazuhError, []string{"worker9"}
	noIDs := messages.NewError(1730, nil)
	internal := messages.NewInternalError(1017, nil)
	internal.DapiErrors = map[string]any{"w1": "a"}
	internal2 := messages.NewClusterError(3021, nil)
	internal2.DapiErrors = map[string]any{"w2": "b"}

	r, err := Merge(items, Exception{Err: withIDs})
	if err != nil || r.(*AffectedItems).TotalFailed() != 1 || itemsOf(r) != `[{"name": "a"}]` {
		t.Errorf("items | error with ids: %v %v", r, err)
	}
	r, err = Merge(Exception{Err: withIDs}, items)
	if err != nil || r.(*AffectedItems).TotalFailed() != 1 {
		t.Errorf("error with ids | items: %v %v", r, err)
	}
	for _, e := range []*messages.WazuhError{noIDs, internal} {
		r, err = Merge(items, Exception{Err: e})
		if err != nil || r.(Exception).Err != e {
			t.Errorf("items | %v: %v %v", e, r, err)
		}
	}
	r, err = Merge(Exception{Err: internal}, Exception{Err: internal2})
	if err != nil {
		t.Fatal(err)
	}
	got := r.(Exception).Err
	if got.Code != 1017 || got.Class != messages.ClassWazuhInternalError || len(got.DapiErrors) != 2 || len(internal.DapiErrors) != 1 {
		t.Errorf("exception | exception: %v %v", got, got.DapiErrors)
	}
	a, b := messages.NewError(1701, nil), messages.NewError(1707, nil)
	a.IDs, b.IDs = []string{"1"}, []string{"2", "1"}
	r, _ = Merge(Exception{Err: a}, Exception{Err: b})
	if e := r.(Exception).Err; e.Code != 1701 || strings.Join(e.IDs, ",") != "1,2" {
		t.Errorf("WazuhError | WazuhError: %v ids %v", e, e.IDs)
	}
	_, err = Merge(items, NewWazuhResult(obj(t, `{"a": 1}`)))
	if err == nil || err.Error() != "Error 1000 - Wazuh Internal Error: Cannot be merged with <class 'wazuh.core.results.WazuhResult'> object" {
		t.Errorf("items | WazuhResult: %v", err)
	}
}

func TestMergeWazuhResults(t *testing.T) {
	left := NewWazuhResult(obj(t, `{"a": 1, "s": "x", "same": "y", "l": [1, 2], "d": {"k": 1}, "b": true, "f": 1.5, "keep": "v"}`))
	right := NewWazuhResult(obj(t, `{"a": 2, "s": "y", "same": "y", "l": [2.0, 3], "d": {"k": 2, "j": "z"}, "b": true, "f": 1, "keep": null, "n": null, "new": 5}`))
	r, err := Merge(left, right)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"a": 3, "s": "x|y", "same": "y", "l": [1, 2, 3], ` +
		`"d": {"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"k": 3, "j": "z"}}}}, ` +
		`"b": 2, "f": 2.5, "keep": "v", "n": null, "new": 5}}}}`
	if got := string(EncodeResult(r)); got != want {
		t.Errorf("merged\n got %s\nwant %s", got, want)
	}
	// A nested result merges again with a dict.
	r, err = Merge(r, NewWazuhResult(obj(t, `{"d": {"k": 1}}`)))
	if err != nil || !strings.Contains(string(EncodeResult(r)), `"result": {"k": 4, "j": "z"}`) {
		t.Errorf("merged again: %s %v", EncodeResult(r), err)
	}
	prio := &WazuhResult{Dict: obj(t, `{"status": "OK"}`), StrPriority: []string{"KO", "OK"}}
	r, _ = Merge(prio, NewWazuhResult(obj(t, `{"status": "KO"}`)))
	if got := string(messages.EncodeJSON(r.(*WazuhResult).Dict)); got != `{"status": "KO"}` {
		t.Errorf("str_priority: %s", got)
	}
	if _, err := Merge(NewWazuhResult(obj(t, `{"a": "x"}`)), NewWazuhResult(obj(t, `{"a": 1}`))); !errors.Is(err, errPyType) {
		t.Errorf("str + int: %v", err)
	}
	r, err = Merge(NewWazuhResult(obj(t, `{"a": 1}`)), affected(t, `[]`, nil, nil))
	if err != nil || string(messages.EncodeJSON(r.(*WazuhResult).Dict)) != `{"a": 1}` {
		t.Errorf("WazuhResult | AffectedItems merges the dikt: %v %v", r, err)
	}
}

// planFor is a distributed plan over n nodes with the request's keyword arguments.
func planFor(t testing.TB, fKwargs string, merge bool) *Plan {
	req := distributedRequest(t, fKwargs, "")
	return &Plan{Action: Distribute, Request: req, merge: merge, allowed: NewAffectedItems("", "", "")}
}

func TestFinishLimitsAndSortsData(t *testing.T) {
	node := func(items string) Result { return NewWazuhResult(obj(t, `{"data": {"items": `+items+`, "n": 1}}`)) }
	cases := []struct{ fKwargs, want, err string }{
		// merged items: [3, 1] then [4, 2, 1] less what the left holds: [3, 1, 4, 2]
		{`{"order": true, "limit": 2, "offset": 1}`, `{"data": {"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [1, 4], "n": 2}}}}}`, ""},
		{`{"order": false, "offset": -2}`, `{"data": {"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [4, 2], "n": 2}}}}}`, ""},
		{`{}`, "", "Error 1402 - Invalid sort_ascending field"}, // the API's default order is a string: Wazuh's sort refuses it
		{`{"limit": null, "order": true}`, "", "python TypeError"},
		{`{"offset": 10}`, `{"data": {"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"items": [], "n": 2}}}}}`, ""},
	}
	for _, c := range cases {
		res, err := planFor(t, c.fKwargs, true).Finish([]Result{node(`[3, 1]`), node(`[4, 2, 1]`)})
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: %v, want %s", c.fKwargs, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.fKwargs, err)
			continue
		}
		if got := string(messages.EncodeJSON(res.(*WazuhResult).Dict)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.fKwargs, got, c.want)
		}
	}
	// AffectedItems are left as merged; a single node's answer is not limited at all.
	res, err := planFor(t, `{"limit": 1}`, true).Finish([]Result{affected(t, `[1, 2]`, nil, []string{"str"}), affected(t, `[3]`, nil, nil)})
	if err != nil || itemsOf(res) != `[1, 2, 3]` {
		t.Errorf("affected items: %v %v", res, err)
	}
	res, err = planFor(t, `{"limit": 1}`, false).Finish([]Result{node(`[3, 1]`), node(`[9]`)})
	if err != nil || string(messages.EncodeJSON(res.(*WazuhResult).Dict)) != `{"data": {"items": [3, 1], "n": 1}}` {
		t.Errorf("first answer: %v %v", res, err)
	}
}

func TestFinishDecodesRawAnswers(t *testing.T) {
	p := planFor(t, `{}`, true)
	res, err := p.Finish([]Result{Raw{JSON: []byte(syscollectorAnswer)}, affected(t, `[]`, []string{"agent_id"}, []string{"str"})})
	if err != nil || res.(*AffectedItems).TotalFailed() != 1 {
		t.Errorf("raw answer: %v %v", res, err)
	}
	_, err = p.Finish([]Result{Raw{JSON: []byte("Error 3020 - Timeout")}, affected(t, `[]`, nil, nil)})
	if err == nil || err.Error() != "Error 3036 - JSON couldn't be loaded" {
		t.Errorf("raw text: %v", err)
	}
}

func TestMergeListsAsPython(t *testing.T) {
	r, err := Merge(NewWazuhResult(obj(t, `{"l": [1, "a", {"k": 1}, null, 2.5]}`)),
		NewWazuhResult(obj(t, `{"l": [1.0, true, "a", {"k": 1}, {"k": 2}, "b", null, 2.50, false, 0]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(messages.EncodeJSON(r.(*WazuhResult).Dict)); got != `{"l": [1, "a", {"k": 1}, null, 2.5, {"k": 2}, "b", false, 0]}` {
		t.Errorf("merged list %s", got)
	}
}
