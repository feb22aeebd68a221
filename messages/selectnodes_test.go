package messages

import (
	"errors"
	"testing"
)

// testNodes is a master and three workers in connection order.
var testNodes = []NodeInfo{
	{Name: "master-node", Type: NodeTypeMaster, Version: "4.14.7", IP: "10.0.0.1"},
	{Name: "worker2", Type: NodeTypeWorker, Version: "4.14.7", IP: "10.0.0.3"},
	{Name: "Worker1", Type: NodeTypeWorker, Version: "4.14.6", IP: "10.0.0.2"},
	{Name: "worker3", Type: NodeTypeWorker, Version: "4.14.7", IP: "10.0.0.2"},
}

// selectNodesCases were answered by a Python transcription of Wazuh's get_connected_nodes and
// utils.process_array over the same nodes.
var selectNodesCases = []struct {
	args       string
	onlyMaster bool
	want       string
	code       int
	class      string
}{
	{args: `{}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"select": ["ip", "name"]}`, onlyMaster: false, want: `{"items": [{"ip": "10.0.0.1", "name": "master-node"}, {"ip": "10.0.0.3", "name": "worker2"}, {"ip": "10.0.0.2", "name": "Worker1"}, {"ip": "10.0.0.2", "name": "worker3"}], "totalItems": 4}`},
	{args: `{"select": ["name", "bogus"]}`, onlyMaster: false, code: 1724, class: "WazuhError"},
	{args: `{"filter_type": "worker"}`, onlyMaster: false, want: `{"items": [{"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 3}`},
	{args: `{"filter_type": "master"}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}], "totalItems": 1}`},
	{args: `{"filter_type": "bogus"}`, onlyMaster: false, code: 1728, class: "WazuhError"},
	{args: `{"filter_node": ["worker2", "nope"]}`, onlyMaster: false, code: 1730, class: "WazuhResourceNotFound"},
	{args: `{"filter_node": "worker2"}`, onlyMaster: false, want: `{"items": [{"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}], "totalItems": 1}`},
	{args: `{"filter_node": []}`, onlyMaster: false, want: `{"items": [], "totalItems": 0}`},
	{args: `{"sort": {"fields": ["name"], "order": "asc"}}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"sort": {"fields": ["ip"], "order": "desc"}}`, onlyMaster: false, want: `{"items": [{"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}, {"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}], "totalItems": 4}`},
	{args: `{"sort": {"fields": ["version", "name"], "order": "asc"}}`, onlyMaster: false, want: `{"items": [{"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"sort": {"fields": ["bogus"], "order": "asc"}}`, onlyMaster: false, code: 1403, class: "WazuhError"},
	{args: `{"sort": {"fields": [""], "order": "desc"}}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"search": {"value": "WORKER", "negation": false}}`, onlyMaster: false, want: `{"items": [{"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 3}`},
	{args: `{"search": {"value": "4.14.6", "negation": true}}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 3}`},
	{args: `{"search": {"value": "", "negation": true}}`, onlyMaster: false, want: `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}, {"name": "worker3", "type": "worker", "version": "4.14.7", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"select": ["version"], "distinct": true}`, onlyMaster: false, want: `{"items": [{"version": "4.14.7"}, {"version": "4.14.6"}], "totalItems": 2}`},
	{args: `{"offset": 1, "limit": 2}`, onlyMaster: false, want: `{"items": [{"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}, {"name": "Worker1", "type": "worker", "version": "4.14.6", "ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"offset": 10}`, onlyMaster: false, want: `{"items": [], "totalItems": 4}`},
	{args: `{"limit": 0}`, onlyMaster: false, code: 1406, class: "WazuhError"},
	{args: `{"limit": 100001}`, onlyMaster: false, code: 1405, class: "WazuhError"},
	{args: `{"offset": -1}`, onlyMaster: false, code: 1400, class: "WazuhError"},
	{args: `{"limit": -5}`, onlyMaster: false, code: 1401, class: "WazuhError"},
	{args: `{"filter_type": "worker", "limit": 0}`, onlyMaster: true, want: `{"items": [], "totalItems": 0}`},
	{args: `{"select": []}`, onlyMaster: false, want: `{"items": [{}, {}, {}, {}], "totalItems": 4}`},
	{args: `{"select": ["ip"], "sort": {"fields": ["name"], "order": "desc"}}`, onlyMaster: false, want: `{"items": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.2"}], "totalItems": 4}`},
	{args: `{"select": ["ip", "ip", "name"], "sort": {"fields": ["ip", "name"], "order": "desc"}, "offset": 1, "limit": 2}`, onlyMaster: false, want: `{"items": [{"ip": "10.0.0.2", "name": "worker3"}, {"ip": "10.0.0.2", "name": "Worker1"}], "totalItems": 4}`},
}

func TestSelectNodesMatchesWazuh(t *testing.T) {
	for _, c := range selectNodesCases {
		args, err := ParseGetNodesArgs([]byte(c.args))
		if err != nil {
			t.Fatalf("ParseGetNodesArgs(%s): %v", c.args, err)
		}
		nodes := testNodes
		if c.onlyMaster {
			nodes = testNodes[:1]
		}
		res, werr := SelectNodes(nodes, args)
		if c.code != 0 {
			if werr == nil || werr.Code != c.code || werr.Class != c.class {
				t.Errorf("%s: got %v, %v; want error %d (%s)", c.args, string(res.Encode()), werr, c.code, c.class)
			}
			continue
		}
		if werr != nil {
			t.Errorf("%s: unexpected error %v", c.args, werr)
			continue
		}
		if got := string(res.Encode()); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func TestSelectNodesErrorTexts(t *testing.T) {
	cases := []struct {
		args        GetNodesArgs
		want        string
		remediation string
	}{
		{GetNodesArgs{Select: []string{"name", "bogus", "x", "bogus"}, Limit: 500, FilterType: FilterTypeAll},
			"Error 1724 - Not a valid select field: bogus, x", "name, type, version, ip"},
		{GetNodesArgs{Limit: 500, FilterType: "bogus"}, "Error 1728 - Invalid node type", ""},
		{GetNodesArgs{Limit: 500, FilterType: ""}, "Error 1728 - Invalid node type", ""},
		{GetNodesArgs{FilterNode: []string{"nope"}, Limit: 500, FilterType: FilterTypeAll}, "Error 1730 - Node does not exist", ""},
		{GetNodesArgs{Sort: &SortArgs{Fields: []string{"bogus", "name"}}, Limit: 500, FilterType: FilterTypeAll},
			"Error 1403 - Not a valid sort field", "Allowed sort fields: name, type, version, ip. Wrong fields: bogus"},
		{GetNodesArgs{Limit: 100001, FilterType: FilterTypeAll}, "Error 1405 - Specified limit exceeds maximum allowed: 100001", ""},
		{GetNodesArgs{Limit: 0, FilterType: FilterTypeAll}, "Error 1406 - 0 is not a valid limit", ""},
		{GetNodesArgs{Offset: -1, Limit: 1, FilterType: FilterTypeAll}, "Error 1400 - Invalid offset", ""},
		{GetNodesArgs{Limit: -1, FilterType: FilterTypeAll}, "Error 1401 - Invalid limit", ""},
	}
	for _, c := range cases {
		_, werr := SelectNodes(testNodes, c.args)
		if werr == nil || werr.Error() != c.want {
			t.Errorf("got %v, want %s", werr, c.want)
			continue
		}
		got := ""
		if werr.ExtraRemediation != nil {
			got = *werr.ExtraRemediation
		}
		if got != c.remediation {
			t.Errorf("%s: remediation %q, want %q", c.want, got, c.remediation)
		}
	}
}

func TestSelectNodesDoesNotReorderItsInput(t *testing.T) {
	nodes := append([]NodeInfo(nil), testNodes...)
	if _, werr := SelectNodes(nodes, GetNodesArgs{Sort: &SortArgs{Fields: []string{"name"}, Order: "desc"}, Limit: 500, FilterType: FilterTypeAll}); werr != nil {
		t.Fatal(werr)
	}
	for i := range nodes {
		if nodes[i] != testNodes[i] {
			t.Fatal("SelectNodes reordered its input")
		}
	}
}

func TestParseGetNodesArgs(t *testing.T) {
	for _, in := range []string{"", "  ", "{}"} {
		args, err := ParseGetNodesArgs([]byte(in))
		if err != nil || args.Limit != DefaultNodesLimit || args.FilterType != FilterTypeAll || args.Offset != 0 ||
			args.FilterNode != nil || args.Select != nil || args.Sort != nil || args.Search != nil || args.Distinct {
			t.Errorf("ParseGetNodesArgs(%q) = %#v, %v", in, args, err)
		}
	}
	full := `{"filter_node": ["worker1"], "offset": 1, "limit": 10, "sort": {"fields": ["name"], "order": "desc"}, "search": {"value": "wor", "negation": false}, "select": ["name", "ip"], "filter_type": "worker"}`
	args, err := ParseGetNodesArgs([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(args.Encode()); got != full {
		t.Errorf("Encode:\n got %s\nwant %s", got, full)
	}
	defaults := `{"filter_node": null, "offset": 0, "limit": 500, "sort": null, "search": null, "select": null, "filter_type": "all"}`
	if got := string(DefaultGetNodesArgs().Encode()); got != defaults {
		t.Errorf("defaults encode as %s", got)
	}
	withDistinct := GetNodesArgs{Limit: 5, FilterType: "all", Distinct: true}
	back, err := ParseGetNodesArgs(withDistinct.Encode())
	if err != nil || !back.Distinct || back.Limit != 5 {
		t.Errorf("distinct round trip = %#v, %v", back, err)
	}
	nulls, err := ParseGetNodesArgs([]byte(`{"offset": null, "limit": null, "filter_type": null}`))
	if err != nil || nulls.Limit != DefaultNodesLimit || nulls.FilterType != "" {
		t.Errorf("nulls = %#v, %v", nulls, err)
	}
}

func TestParseGetNodesArgsRefusesBadInput(t *testing.T) {
	cases := map[string]string{
		`{"bogus": 1}`:                     "Error 1000 - Wazuh Internal Error: AbstractServer.get_connected_nodes() got an unexpected keyword argument 'bogus'",
		`{"limit": "10"}`:                  "",
		`{"limit": 1.5}`:                   "",
		`{"offset": 99999999999999999999}`: "",
		`{"select": "name"}`:               "",
		`{"select": [1]}`:                  "",
		`{"sort": ["name"]}`:               "",
		`{"sort": {"order": 1}}`:           "",
		`{"search": {"value": 1}}`:         "",
		`{"distinct": null}`:               "",
		`{"filter_node": 5}`:               "",
		`[]`:                               "",
		`null`:                             "",
		`{`:                                "",
	}
	for in, want := range cases {
		_, err := ParseGetNodesArgs([]byte(in))
		var we *WazuhError
		if !errors.As(err, &we) || we.Code != 1000 || we.Class != ClassWazuhInternalError {
			t.Errorf("ParseGetNodesArgs(%s) err = %v", in, err)
			continue
		}
		if want != "" && we.Error() != want {
			t.Errorf("ParseGetNodesArgs(%s) = %q, want %q", in, we.Error(), want)
		}
	}
}

func TestNodesResultEncodeAndParse(t *testing.T) {
	want := `{"items": [{"name": "master-node", "type": "master", "version": "4.14.7", "ip": "10.0.0.1"}, {"name": "worker2", "type": "worker", "version": "4.14.7", "ip": "10.0.0.3"}], "totalItems": 2}`
	res, werr := SelectNodes(testNodes[:2], DefaultGetNodesArgs())
	if werr != nil {
		t.Fatal(werr)
	}
	if got := string(res.Encode()); got != want {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
	back, err := ParseNodesResult([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if back.TotalItems != 2 || back.Items[1].Info() != testNodes[1] {
		t.Errorf("parsed %#v", back)
	}
	if string(back.Encode()) != want {
		t.Error("parsed result does not re-encode identically")
	}
	marshaled, err := res.MarshalJSON()
	if err != nil || string(marshaled) != want {
		t.Errorf("MarshalJSON = %s, %v", marshaled, err)
	}
	for _, bad := range []string{`{"items": []}`, `{"totalItems": 0}`, `{"items": {}, "totalItems": 0}`, `{"items": [1], "totalItems": 1}`, `{"items": [{"name": 1}], "totalItems": 1}`} {
		if _, err := ParseNodesResult([]byte(bad)); !errors.Is(err, ErrMalformedPayload) {
			t.Errorf("ParseNodesResult(%s) err = %v", bad, err)
		}
	}
}
