package messages

import (
	"errors"
	"testing"
	"time"
)

func TestDecodeObjectWazuhShapesRoundTrip(t *testing.T) {
	cases := []string{
		`{"__wazuh_result__": {"__class__": "WazuhResult", "__object__": {"str_priority": null, "result": {"a": 1}}}}`,
		`{"__wazuh_result__": {"__class__": "AffectedItemsWazuhResult", "__object__": {"affected_items": [{"name": "master-node"}], "sort_fields": null, "sort_casting": ["int"], "sort_ascending": [true], "total_affected_items": 1, "total_failed_items": 1, "dikt": {}, "all_msg": "All", "some_msg": "Some", "none_msg": "None", "failed_items_keys": [{"__object__": {"type": "about:blank", "title": "Resource Not Found", "code": 1730, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": []}, "__class__": "WazuhResourceNotFound"}], "failed_items_values": [["worker9"]]}}}`,
		`{"__callable__": {"__name__": "get_nodes_info", "__module__": "wazuh.cluster", "__qualname__": "get_nodes_info", "__type__": "function"}}`,
		`{"f": {"__callable__": {"__name__": "get_nodes_info", "__module__": "wazuh.cluster", "__qualname__": "get_nodes_info", "__type__": "function"}}, "f_kwargs": {"filter_node": ["worker1"], "offset": 0}, "request_type": "local_master", "wait_for_complete": false, "nodes": ["master-node", "worker1"], "api_timeout": 10}`,
		`{"__wazuh_datetime__": "2024-01-02T03:04:05.678901+00:00"}`,
		`[{"__wazuh_exception__": {"__class__": "WazuhClusterError", "__object__": {"type": "about:blank", "title": "Wazuh Cluster Error", "code": 3020, "extra_message": "echo", "extra_remediation": null, "cmd_error": false, "dapi_errors": {}}}}, 1]`,
	}
	for _, in := range cases {
		v, err := DecodeObject([]byte(in))
		if err != nil {
			t.Fatalf("DecodeObject(%s): %v", in, err)
		}
		if got := string(EncodeJSON(v)); got != in {
			t.Errorf("round trip:\n got %s\nwant %s", got, in)
		}
	}
}

func TestDecodeObjectProducesGoValues(t *testing.T) {
	v, err := DecodeObject([]byte(`{"when": {"__wazuh_datetime__": "2024-01-02T03:04:05.678901+00:00"}, "f": {"__callable__": {"__name__": "n", "__module__": "wazuh.m", "__qualname__": "C.n", "__type__": "method", "__wazuh__": {"x": 1}}}, "e": {"__unhandled_exc__": {"__class__": "ValueError", "__args__": ["boom"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(Object)
	when, _ := o.Get("when")
	if ts, ok := when.(time.Time); !ok || !ts.Equal(time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC)) {
		t.Errorf("when = %#v", when)
	}
	f, _ := o.Get("f")
	if c, ok := f.(Callable); !ok || c.Qualname != "C.n" || c.Type != "method" || c.Wazuh == nil {
		t.Errorf("f = %#v", f)
	}
	e, _ := o.Get("e")
	if exc, ok := e.(Object); !ok || len(exc) != 1 || exc[0].Key != "ValueError" {
		t.Errorf("e = %#v", e)
	}
	if got := string(EncodeJSON(e)); got != `{"ValueError": ["boom"]}` {
		t.Errorf("unhandled exception re-encodes as %s", got)
	}
}

func TestDecodeObjectRefusesMalformedShapes(t *testing.T) {
	for _, in := range []string{
		`{"__callable__": {"__name__": "n"}}`,
		`{"__wazuh_result__": {"__class__": "WazuhResult"}}`,
		`{"__wazuh_datetime__": "yesterday"}`,
		`{"__wazuh_datetime__": 5}`,
		`{"__unhandled_exc__": {"__args__": []}}`,
		`[{"__wazuh_exception__": 1}]`,
	} {
		if _, err := DecodeObject([]byte(in)); !errors.Is(err, ErrMalformedObject) {
			t.Errorf("DecodeObject(%s) err = %v, want ErrMalformedObject", in, err)
		}
	}
}

func TestDecodeObjectAcceptsPythonDatetimeSpellings(t *testing.T) {
	for _, s := range []string{"2024-01-02T03:04:05", "2024-01-02 03:04:05.5", "2024-01-02T03:04:05+02:00", "2024-01-02"} {
		v, err := DecodeObject([]byte(`{"__wazuh_datetime__": "` + s + `"}`))
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if ts := v.(time.Time); ts.Year() != 2024 {
			t.Errorf("%s -> %v", s, ts)
		}
	}
}
