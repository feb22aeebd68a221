package dapi

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// Answers of real 4.14.7 nodes (DAPI §2.4), byte for byte.
const (
	syscollectorAnswer = `{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"affected_items": [], "sort_fields": ["agent_id"], "sort_casting": ["str"], "sort_ascending": ["True"], "total_affected_items": 0, "total_failed_items": 1, "dikt": {}, "all_msg": "All specified syscollector information was returned", "some_msg": "Some syscollector information was not returned", "none_msg": "No syscollector information was returned", "failed_items_keys": [{"__object__": {"type": "about:blank", "title": "Resource Not Found", "code": 1701, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": []}, "__class__": "WazuhResourceNotFound"}], "failed_items_values": [["000"]]}}}`
	daemonsAnswer      = `{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "about:blank", "title": "Wazuh Internal Error", "code": 1017, "extra_message": {"node_name": "master-node", "not_ready_daemons": "wazuh-modulesd->stopped, wazuh-analysisd->stopped, wazuh-execd->stopped, wazuh-db->stopped, wazuh-remoted->stopped"}, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Some Wazuh daemons are not ready yet in node \"master-node\" (wazuh-modulesd->stopped, wazuh-analysisd->stopped, wazuh-execd->stopped, wazuh-db->stopped, wazuh-remoted->stopped)", "logfile": "WAZUH_HOME/logs/cluster.log"}}}}}`
	integrityAnswer    = `{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": ["KO", "OK"], "result": {"etc/rules/local_rules.xml": "11780d4c"}}}}`
)

func TestResultsRoundTrip(t *testing.T) {
	for _, answer := range []string{syscollectorAnswer, daemonsAnswer, integrityAnswer} {
		r, err := DecodeResult([]byte(answer))
		if err != nil {
			t.Errorf("DecodeResult(%.60s…): %v", answer, err)
			continue
		}
		if got := string(EncodeResult(r)); got != answer {
			t.Errorf("re-encoded\n got %s\nwant %s", got, answer)
		}
	}
	r, _ := DecodeResult([]byte(syscollectorAnswer))
	a := r.(*AffectedItems)
	if a.TotalFailed() != 1 || a.Message() != "No syscollector information was returned" || a.Failed()[0].Err.Code != 1701 {
		t.Errorf("syscollector answer decoded as %v", a)
	}
	r, _ = DecodeResult([]byte(daemonsAnswer))
	if e, ok := r.(Exception); !ok || e.Err.Code != 1017 {
		t.Errorf("1017 answer decoded as %#v", r)
	}
}

func TestDecodeResultErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"result": {}}}}`,
			`Error 1000 - Wazuh object cannot be decoded from JSON {'__wazuh_result__': {'__class__': 'WazuhResult', '__object__': {'result': {}}}}`},
		{`{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": [1]}}}`,
			`Error 1000 - Wazuh Internal Error: dct param must be a dict or an AbstractWazuhResult subclass, not a <class 'list'>`},
		{`{"__wazuh_result__": {"__class__": "AbstractWazuhResult", "__object__": {}}}`,
			`Error 1000 - Wazuh object cannot be decoded from JSON {'__wazuh_result__': {'__class__': 'AbstractWazuhResult', '__object__': {}}}`},
		{`{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"sort_casting": "int"}}}`,
			`Error 1000 - Wazuh Internal Error: sort_casting must be a list`},
		{`{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"sort_casting": [1]}}}`,
			`Error 1000 - Wazuh Internal Error: sort_casting type must be a string, got int`},
		{`{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"sort_casting": ["str"]}}}`,
			`Error 1000 - Wazuh object cannot be decoded from JSON {'__wazuh_result__': {'__class__': 'AffectedItemsWazuhResult', '__object__': {'sort_casting': ['str']}}}`},
		{`[1, 2]`, `Error 1000 - Wazuh Internal Error: dct param must be a dict or an AbstractWazuhResult subclass, not a <class 'list'>`},
		{`Error 3020 - Timeout`, `Error 3036 - JSON couldn't be loaded`},
		{`{"__callable__": {"__name__": "getpid", "__module__": "posix", "__qualname__": "getpid"}}`,
			`Error 1000 - Decoding callable from module 'posix' is not allowed`},
	}
	for _, c := range cases {
		_, err := DecodeResult([]byte(c.in))
		if err == nil || err.Error() != c.want {
			t.Errorf("DecodeResult(%s):\n got %v\nwant %s", c.in, err, c.want)
		}
		var we *messages.WazuhError
		if !errors.As(err, &we) || we.Class != messages.ClassWazuhInternalError {
			t.Errorf("DecodeResult(%s): error %#v is not a WazuhInternalError", c.in, err)
		}
	}
	r, err := DecodeResult([]byte(`{"items": [], "totalItems": 0}`))
	if err != nil || r.(*WazuhResult).String() != "WazuhResult({'_str_priority': None, 'dikt': {'items': [], 'totalItems': 0}})" {
		t.Errorf("a plain dict is wrapped in a WazuhResult: %v %v", r, err)
	}
}

func TestAffectedItemsGroupsFailedItemsByException(t *testing.T) {
	a := NewAffectedItems("all", "some", "none")
	notFound := messages.NewResourceNotFound(1701, nil)
	a.AddFailed("001", notFound)
	a.AddFailed("002", messages.NewResourceNotFound(1701, nil)) // equal: same group, the first is the key
	a.AddFailed("001", notFound)                                // a set: no repeat
	a.AddFailed("003", messages.NewError(1701, nil))            // another title ("Bad Request"): another group
	a.AddFailed("004", messages.NewResourceNotFound(1701, "x")) // another extra message
	withIDs := messages.NewResourceNotFound(1701, nil)
	withIDs.IDs = []string{"9"}
	withIDs.DapiErrors = map[string]any{"w": "x"}
	a.AddFailed("005", withIDs) // ids and dapi_errors are not part of the key
	got := a.Failed()
	if len(got) != 3 || strings.Join(got[0].IDs, ",") != "001,002,005" || got[0].Err != notFound ||
		strings.Join(got[1].IDs, ",") != "003" || strings.Join(got[2].IDs, ",") != "004" {
		t.Errorf("groups: %+v", got)
	}
	if a.TotalFailed() != 5 || a.Message() != "none" {
		t.Errorf("total failed %d, message %q", a.TotalFailed(), a.Message())
	}
	a.Items, a.Total = []any{"x"}, 1
	if a.Message() != "some" {
		t.Errorf("message with items and failures: %q", a.Message())
	}
	a.RemoveFailed(1701)
	if a.TotalFailed() != 0 || a.Message() != "all" {
		t.Errorf("after RemoveFailed(1701): %d failed, %q", a.TotalFailed(), a.Message())
	}
	want := `{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"affected_items": ["x"], "sort_fields": null, "sort_casting": ["int"], "sort_ascending": [true], "total_affected_items": 1, "total_failed_items": 0, "dikt": {}, "all_msg": "all", "some_msg": "some", "none_msg": "none", "failed_items_keys": [], "failed_items_values": []}}}`
	if enc := string(EncodeResult(a)); enc != want {
		t.Errorf("encoded\n got %s\nwant %s", enc, want)
	}
}

func TestAffectedItemsRepr(t *testing.T) {
	a := NewAffectedItems("all", "", "none")
	a.Items, a.Total = []any{messages.Object{{Key: "name", Value: "w1"}}}, 1
	a.AddFailed("w2", messages.NewResourceNotFound(1730, nil))
	want := `AffectedItemsWazuhResult({'dikt': {}, '_affected_items': [{'name': 'w1'}], '_failed_items': ` +
		`{{'type': 'about:blank', 'title': 'Resource Not Found', 'code': 1730, 'extra_message': None, 'extra_remediation': None, 'cmd_error': False, 'dapi_errors': {}, 'ids': []}: {'w2'}}, ` +
		`'_total_affected_items': 1, '_total_failed_items': 1, '_sort_fields': None, '_sort_casting': ['int'], '_sort_ascending': [True], '_all_msg': 'all', '_some_msg': '', '_none_msg': 'none'})`
	if got := a.String(); got != want {
		t.Errorf("repr\n got %s\nwant %s", got, want)
	}
}

// The 1017 answer of the capture, rebuilt: the executor's exception with the dapi_errors Fail
// adds on the master for the administrator.
func TestFailAddsDapiErrorsAsWazuh(t *testing.T) {
	admin := &Request{RBAC: adminPermissions(t), Nodes: []string{"master-node"}}
	daemons := messages.ErrDaemonsNotReady.With(messages.Object{
		{Key: "node_name", Value: "master-node"},
		{Key: "not_ready_daemons", Value: "wazuh-modulesd->stopped, wazuh-analysisd->stopped, wazuh-execd->stopped, wazuh-db->stopped, wazuh-remoted->stopped"},
	})
	if got := string(EncodeResult(admin.Fail(daemons, "master-node"))); got != daemonsAnswer {
		t.Errorf("1017 answer\n got %s\nwant %s", got, daemonsAnswer)
	}
	if daemons.DapiErrors != nil {
		t.Error("Fail changed the exception it was given")
	}
	cases := []struct {
		err  error
		req  *Request
		want string
	}{
		{messages.NewResourceNotFound(1701, nil), admin,
			`{"__wazuh_exception__": {"__class__": "WazuhResourceNotFound", "__object__": {"type": "about:blank", "title": "Resource Not Found", "code": 1701, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Agent does not exist"}}, "ids": []}}}`},
		{errors.New("boom"), admin,
			`{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "about:blank", "title": "Wazuh Internal Error", "code": 1000, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Wazuh Internal Error. See log for more detail"}}}}}`},
		{messages.ErrAgentSyncInfo.New(), admin,
			`{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "about:blank", "title": "Wazuh Internal Error", "code": 1000, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"master-node": {"error": "Could not retrieve agents synchronization information from wazuh-db"}}}}}`},
		{fmt.Errorf("execute: %w", messages.NewClusterError(3021, nil)), &Request{RBAC: NewPermissions(messages.Object{{Key: "rbac_mode", Value: "white"}})},
			`{"__wazuh_exception__": {"__class__": "WazuhClusterError", "__object__": {"type": "about:blank", "title": "Wazuh Cluster Error", "code": 3021, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"unknown-node": {"error": "Timeout executing API request", "logfile": "WAZUH_HOME/logs/cluster.log"}}}}}`},
	}
	for _, c := range cases {
		if got := string(EncodeResult(c.req.Fail(c.err, "master-node"))); got != c.want {
			t.Errorf("Fail(%v)\n got %s\nwant %s", c.err, got, c.want)
		}
	}
}

func TestNotExecutedNamesTheFunction(t *testing.T) {
	f, _ := LookupFunction("wazuh.syscheck", "files")
	e := NotExecuted(f)
	if e.Error() != "Error 3009 - Error executing distributed API request: wazuh.syscheck.files is not executed by this node" || e.HTTPStatus() != 500 {
		t.Errorf("NotExecuted: %v (%d)", e, e.HTTPStatus())
	}
}
