package dapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

// callableJSON is a function as the API encodes it.
func callableJSON(module, qualname string) string {
	name := qualname[strings.LastIndexByte(qualname, '.')+1:]
	return `{"__callable__": {"__name__": "` + name + `", "__module__": "` + module + `", "__qualname__": "` + qualname +
		`", "__type__": "function"}}`
}

const nodesInfoJSON = `{"__callable__": {"__name__": "get_nodes_info", "__module__": "wazuh.cluster", "__qualname__": "get_nodes_info", "__type__": "function"}}`

// The texts are what Wazuh 4.14.7's queue answers with dapi_err (Python 3.10's messages).
func TestDecodeRequestRefusals(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"list", `[1]`, "list indices must be integers or slices, not str"},
		{"string", `"x"`, "string indices must be integers"},
		{"int", `1`, "'int' object is not subscriptable"},
		{"null", `null`, "'NoneType' object is not subscriptable"},
		{"no f", `{"f_kwargs": {}}`, "'f'"},
		{"f not callable", `{"f": "get_nodes_info"}`, "'str' object has no attribute '__name__'"},
		{"f a date", `{"f": {"__wazuh_datetime__": "2024-01-02T03:04:05"}}`, "'datetime.datetime' object has no attribute '__name__'"},
		{"logger", `{"f": ` + nodesInfoJSON + `, "node": 1, "logger": 1}`,
			"wazuh.core.cluster.dapi.dapi.DistributedAPI() got multiple values for keyword argument 'logger'"},
		{"self", `{"f": ` + nodesInfoJSON + `, "self": 1}`, "DistributedAPI.__init__() got multiple values for argument 'self'"},
		{"unknown argument", `{"f": ` + nodesInfoJSON + `, "foo bar": 1, "baz": 2}`,
			"DistributedAPI.__init__() got an unexpected keyword argument 'foo bar'"},
		{"unknown name", `{"f": ` + callableJSON("wazuh.agent", "nope") + `}`,
			"Error 1000 - Wazuh object cannot be decoded from JSON {'__callable__': {'__name__': 'nope', '__module__': 'wazuh.agent', '__qualname__': 'nope', '__type__': 'function'}}"},
		{"N1", `{"f": ` + callableJSON("wazuh.agent", "get_full_overview") + `}`,
			"Error 1000 - Function 'get_full_overview' from module 'wazuh.agent' is not exposed with @dapi_allower decorator"},
		{"version check", `{"f": ` + callableJSON("wazuh.manager", "get_update_information") + `}`,
			"Error 1000 - Function 'get_update_information' from module 'wazuh.manager' is not exposed with @dapi_allower decorator"},
		{"helper", `{"f": ` + callableJSON("wazuh.core.utils", "process_array") + `}`,
			"Error 1000 - Function 'process_array' from module 'wazuh.core.utils' is not exposed with @dapi_allower decorator"},
		{"imported module", `{"f": ` + callableJSON("wazuh.core.utils", "os.system") + `}`,
			"Error 1000 - Function 'system' from module 'wazuh.core.utils' is not exposed with @dapi_allower decorator"},
		{"class member", `{"f": ` + callableJSON("wazuh.core.agent", "Agent.get_agent_groups") + `}`,
			"Error 1000 - Function 'get_agent_groups' from module 'wazuh.core.agent' is not exposed with @dapi_allower decorator"},
		{"no class member", `{"f": ` + callableJSON("wazuh.core.agent", "Agent.nope") + `}`,
			"Error 1000 - Wazuh object cannot be decoded from JSON {'__callable__': {'__name__': 'nope', '__module__': 'wazuh.core.agent', '__qualname__': 'Agent.nope', '__type__': 'function'}}"},
		{"N2", `{"f": ` + callableJSON("posix", "getpid") + `}`, "Error 1000 - Decoding callable from module 'posix' is not allowed"},
		{"look-alike package", `{"f": ` + callableJSON("wazuhx.agent", "get_agents") + `}`,
			"Error 1000 - Decoding callable from module 'wazuhx.agent' is not allowed"},
		{"no module", `{"f": ` + callableJSON("wazuh.nope.deeper", "f") + `}`, "No module named 'wazuh.nope'"},
		{"not a package", `{"f": ` + callableJSON("wazuh.agent.x", "f") + `}`, "No module named 'wazuh.agent.x'; 'wazuh.agent' is not a package"},
		{"package itself", `{"f": ` + callableJSON("wazuh", "main") + `}`,
			"Error 1000 - Wazuh object cannot be decoded from JSON {'__callable__': {'__name__': 'main', '__module__': 'wazuh', '__qualname__': 'main', '__type__': 'function'}}"},
		{"relative import", `{"f": ` + callableJSON("wazuh..agent", "get_agents") + `}`, "attempted relative import beyond top-level package"},
		{"wazuh method", `{"f": {"__callable__": {"__name__": "to_dict", "__module__": "wazuh", "__qualname__": "Wazuh.to_dict", "__wazuh__": {}, "__type__": "method"}}}`,
			"Error 1000 - Method 'to_dict' is not exposed with @dapi_allower decorator"},
		{"callable without name", `{"f": {"__callable__": {"__module__": "wazuh.cluster"}}}`,
			"Error 1000 - Wazuh object cannot be decoded from JSON {'__callable__': {'__module__': 'wazuh.cluster'}}"},
		{"nested unexposed callable", `{"f": ` + nodesInfoJSON + `, "f_kwargs": {"cb": ` + callableJSON("posix", "system") + `}}`,
			"Error 1000 - Decoding callable from module 'posix' is not allowed"},
		{"unknown exception class", `{"f": ` + nodesInfoJSON + `, "f_kwargs": {"e": {"__wazuh_exception__": {"__class__": "KeyError", "__object__": {}}}}}`,
			"Error 1000 - Wazuh object cannot be decoded from JSON {'__wazuh_exception__': {'__class__': 'KeyError', '__object__': {}}}"},
		{"bad sort_casting", `{"f": ` + nodesInfoJSON + `, "f_kwargs": {"r": {"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"sort_casting": ["list"]}}}}}`,
			"Error 1000 - Wazuh Internal Error: Invalid sort_casting type 'list'. Allowed types: bool, float, int, str"},
		{"N3", `{"f": `, "Expecting value: line 1 column 7 (char 6)"},
		{"trailing data", `{"f": ` + nodesInfoJSON + `} x`, "Extra data: line 1 column 146 (char 145)"},
		{"invalid UTF-8", "{\"f\": \"\xff\"}", "Error 1000 - Wazuh Internal Error: 'utf-8' codec can't decode byte 0xff in position 7: invalid start byte"},
		{"mistyped flag", `{"f": ` + nodesInfoJSON + `, "wait_for_complete": "yes"}`,
			`Error 1000 - Invalid distributed API request: "wait_for_complete" must be a boolean`},
		{"request type", `{"f": ` + nodesInfoJSON + `, "request_type": "remote"}`,
			`Error 1000 - Invalid distributed API request: "request_type" must be local_any, local_master or distributed_master`},
		{"float timeout", `{"f": ` + nodesInfoJSON + `, "api_timeout": 12.5}`,
			`Error 1000 - Invalid distributed API request: "api_timeout" must be an integer`},
	}
	for _, c := range cases {
		req, err := DecodeRequest([]byte(c.in))
		if err == nil {
			t.Errorf("%s: decoded as %v, want refusal %q", c.name, req.F, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, err.Error(), c.want)
		}
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("%s: error %T is not a *RequestError", c.name, err)
		}
	}
}

func TestDecodeRequestRefusalCarriesTheException(t *testing.T) {
	_, err := DecodeRequest([]byte(`{"f": ` + callableJSON("wazuh.agent", "get_full_overview") + `}`))
	if !errors.Is(err, messages.ErrInternal) {
		t.Errorf("N1 refusal %v does not match ErrInternal", err)
	}
	var re *RequestError
	if !errors.As(err, &re) || re.Exception == nil || !re.Exception.CmdError {
		t.Errorf("N1 refusal %#v lacks its cmd_error exception", err)
	}
	_, err = DecodeRequest([]byte(`{"f": `))
	if errors.As(err, &re) && re.Exception != nil {
		t.Errorf("a JSON error carries a Wazuh exception: %v", re.Exception)
	}
}

func TestDecodeRequestRefusesOversizedRequests(t *testing.T) {
	big := []byte(`{"f": ` + nodesInfoJSON + `, "f_kwargs": {"content": "` + strings.Repeat("x", MaxRequestSize) + `"}}`)
	_, err := DecodeRequest(big)
	want := "Error 3050 - Payload size exceeds maximum allowed limit: DAPI request of 33554605 bytes (more than 33554432)"
	if err == nil || err.Error() != want {
		t.Errorf("oversized request: %v, want %q", err, want)
	}
	if we := Admit(big, 7); we == nil || we.Code != 3050 {
		t.Errorf("Admit(oversized) = %v, want 3050", we)
	}
	if we := Admit([]byte("{\"f\": \xe2\x82}"), 7); we == nil || we.Error() != "Error 1000 - Wazuh Internal Error: 'utf-8' codec can't decode bytes in position 13-14: invalid continuation byte" {
		t.Errorf("Admit(bad UTF-8) = %v", we)
	}
	if we := Admit([]byte(`{"f": 1}`), 7); we != nil {
		t.Errorf("Admit(valid) = %v", we)
	}
}

func TestDecodeRequestDefaultsAndTimeout(t *testing.T) {
	cases := []struct{ extra, want string }{
		{``, `"request_type": "local_master", "wait_for_complete": false, "from_cluster": false, "is_async": false, "local_client_arg": null, "basic_services": ["wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"], "rbac_permissions": {"rbac_mode": "black"}, "current_user": "", "broadcasting": false, "nodes": [], "api_timeout": 10}`},
		{`, "api_timeout": 5, "basic_services": [], "rbac_permissions": null, "nodes": null, "f_kwargs": null`,
			`"request_type": "local_master", "wait_for_complete": false, "from_cluster": false, "is_async": false, "local_client_arg": null, "basic_services": ["wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"], "rbac_permissions": {"rbac_mode": "black"}, "current_user": "", "broadcasting": false, "nodes": [], "api_timeout": 10}`},
		{`, "api_timeout": 30, "basic_services": ["wazuh-db"], "rbac_permissions": {}, "local_client_arg": "", "debug": true, "remove_denied_nodes": true`,
			`"request_type": "local_master", "wait_for_complete": false, "from_cluster": false, "is_async": false, "local_client_arg": "", "basic_services": ["wazuh-db"], "rbac_permissions": {}, "current_user": "", "broadcasting": false, "nodes": [], "api_timeout": 30}`},
	}
	for _, c := range cases {
		req, err := DecodeRequest([]byte(`{"f": ` + nodesInfoJSON + c.extra + `}`))
		if err != nil {
			t.Fatalf("%s: %v", c.extra, err)
		}
		want := `{"f": ` + nodesInfoJSON + `, "f_kwargs": {}, ` + c.want
		if got := string(req.Encode()); got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.extra, got, want)
		}
	}
}

func TestDecodeRequestKeepsPythonDictSemantics(t *testing.T) {
	in := `{"f": ` + nodesInfoJSON + `, "f_kwargs": {"a": 1, "b": {"x": 1.50, "y": "\u00e9\ud83d\ude00", "x": 2}, "a": [1e2, -0, 10000000000000000000001], "c": {"__wazuh_datetime__": "2024-01-02T03:04:05.000006+02:00"}}, "f_kwargs": {"z": 1}}`
	req, err := DecodeRequest([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(messages.EncodeJSON(req.Kwargs)); got != `{"z": 1}` {
		t.Errorf("a repeated key keeps its last value: %s", got)
	}
	in = strings.Replace(in, `, "f_kwargs": {"z": 1}`, "", 1)
	if req, err = DecodeRequest([]byte(in)); err != nil {
		t.Fatal(err)
	}
	want := `{"a": [100.0, 0, 10000000000000000000001], "b": {"x": 2, "y": "\u00e9\ud83d\ude00"}, "c": {"__wazuh_datetime__": "2024-01-02T03:04:05.000006+02:00"}}`
	if got := string(messages.EncodeJSON(req.Kwargs)); got != want {
		t.Errorf("f_kwargs re-encoded\n got %s\nwant %s", got, want)
	}
}

func TestDecodeRequestResolvesAliases(t *testing.T) {
	cases := []struct{ module, qualname, want string }{
		{"wazuh.core.cluster.dapi.dapi", "get_nodes_info", "wazuh.cluster.get_nodes_info"},
		{"wazuh.agent", "Agent.get_agents_overview", "wazuh.core.agent.Agent.get_agents_overview"},
		{"wazuh.cluster", "get_node_ruleset_integrity", "wazuh.core.cluster.control.get_node_ruleset_integrity"},
		{"wazuh.cluster", "whatever.get_nodes_info", "wazuh.cluster.get_nodes_info"}, // the class part names nothing: get_nodes_info is a function
	}
	for _, c := range cases {
		in := `{"f": {"__callable__": {"__name__": "` + c.qualname[strings.LastIndexByte(c.qualname, '.')+1:] +
			`", "__module__": "` + c.module + `", "__qualname__": "` + c.qualname + `", "__type__": "function"}}}`
		req, err := DecodeRequest([]byte(in))
		if c.qualname == "whatever.get_nodes_info" {
			// Python looks "whatever" up in the module first: no such name.
			if err == nil {
				t.Errorf("%s.%s resolved to %v", c.module, c.qualname, req.F)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s.%s: %v", c.module, c.qualname, err)
			continue
		}
		if req.F.String() != c.want {
			t.Errorf("%s.%s resolved to %v, want %s", c.module, c.qualname, req.F, c.want)
		}
		if !strings.Contains(string(req.Encode()), `"__module__": "`+req.F.Module+`"`) {
			t.Errorf("%s.%s encodes as %s", c.module, c.qualname, req.Encode())
		}
	}
}

func TestRegistryListsTheExposedFunctions(t *testing.T) {
	fns := ExposedFunctions()
	if len(fns) != 133 {
		t.Errorf("%d exposed functions, want the 133 of Wazuh 4.14.7", len(fns))
	}
	// Every function the DAPI table (DAPI §4.3) sends, and the internal ones.
	for _, name := range []string{
		"wazuh.cluster.get_nodes_info", "wazuh.cluster.get_health_nodes", "wazuh.cluster.get_status_json",
		"wazuh.cluster.get_ruleset_sync_status", "wazuh.cluster.get_node_wrapper", "wazuh.cluster.read_config_wrapper",
		"wazuh.core.cluster.control.get_node_ruleset_integrity", "wazuh.core.agent.Agent.get_agents_overview",
		"api.authentication.check_token", "api.authentication.get_security_conf", "api.authentication.check_user_master",
		"wazuh.rbac.preprocessor.get_permissions", "wazuh.manager.get_basic_info", "wazuh.manager.get_status",
		"wazuh.agent.get_agents", "wazuh.agent.assign_agents_to_group", "wazuh.syscollector.get_item_agent",
		"wazuh.security.get_rbac_resources", "wazuh.manager.query_update_check_service",
	} {
		dot := strings.LastIndexByte(name, '.')
		module, qualname := name[:dot], name[dot+1:]
		if strings.HasSuffix(module, ".Agent") {
			module, qualname = strings.TrimSuffix(module, ".Agent"), "Agent."+qualname
		}
		if _, ok := LookupFunction(module, qualname); !ok {
			t.Errorf("%s is not exposed", name)
		}
	}
	for _, name := range [][2]string{{"wazuh.agent", "get_full_overview"}, {"wazuh.manager", "get_update_information"}} {
		if _, ok := LookupFunction(name[0], name[1]); ok {
			t.Errorf("%s.%s is exposed; Wazuh 4.14.7 does not expose it", name[0], name[1])
		}
	}
	f, _ := LookupFunction("wazuh.security", "get_rbac_resources")
	if f.Type != "_lru_cache_wrapper" {
		t.Errorf("get_rbac_resources encodes as a %q, Wazuh's is an lru_cache wrapper", f.Type)
	}
	f, _ = LookupFunction("wazuh.cluster", "get_health_nodes")
	if !f.Async || f.Name() != "get_health_nodes" {
		t.Errorf("get_health_nodes: %+v", f)
	}
}

func TestExecKwargsDropsEveryAgent(t *testing.T) {
	req, err := DecodeRequest([]byte(`{"f": ` + nodesInfoJSON + `, "f_kwargs": {"agent_list": "*", "limit": 5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(messages.EncodeJSON(req.ExecKwargs())); got != `{"limit": 5}` {
		t.Errorf("ExecKwargs %s", got)
	}
	if !req.Kwargs.Has("agent_list") {
		t.Error("ExecKwargs changed the request")
	}
}

// Wazuh objects inside the keyword arguments are decoded and written back in Wazuh's shapes.
func TestRequestKwargsHoldWazuhObjects(t *testing.T) {
	kw := `{"r": ` + syscollectorAnswer + `, "e": ` + daemonsAnswer + `, "w": ` + integrityAnswer +
		`, "cb": ` + callableJSON("wazuh.core.cluster.dapi.dapi", "get_nodes_info") + `, "x": {"__unhandled_exc__": {"__class__": "ValueError", "__args__": ["boom"]}}}`
	req, err := DecodeRequest([]byte(`{"f": ` + nodesInfoJSON + `, "f_kwargs": ` + kw + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := req.Kwargs[0].Value.(*AffectedItems); !ok {
		t.Errorf("r decoded as %T", req.Kwargs[0].Value)
	}
	want := strings.Replace(strings.Replace(kw, `"wazuh.core.cluster.dapi.dapi"`, `"wazuh.cluster"`, 1),
		`{"__unhandled_exc__": {"__class__": "ValueError", "__args__": ["boom"]}}`, `{"ValueError": ["boom"]}`, 1)
	if got := string(messages.EncodeJSON(req.Kwargs)); got != want {
		t.Errorf("f_kwargs re-encoded\n got %s\nwant %s", got, want)
	}
}
