package messages

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestExceptionVectorsDecodeAndReencodeByteForByte(t *testing.T) {
	for name, c := range loadErrorPayloads(t) {
		t.Run(name, func(t *testing.T) {
			e, err := DecodeException([]byte(c.Payload))
			if err != nil {
				t.Fatalf("DecodeException: %v", err)
			}
			if e.Class != c.DecodedClass {
				t.Errorf("class = %q, want %q", e.Class, c.DecodedClass)
			}
			if got := e.Error(); got != c.DecodedStr {
				t.Errorf("Error() = %q, want %q", got, c.DecodedStr)
			}
			if got := string(EncodeException(e)); got != c.Payload {
				t.Errorf("re-encoded:\n got %s\nwant %s", got, c.Payload)
			}
		})
	}
}

func TestConstructedExceptionsEncodeLikeWazuh(t *testing.T) {
	vectors := loadErrorPayloads(t)
	cases := map[string]*WazuhError{
		"3028_duplicate_worker_name":         NewClusterError(3028, "worker1"),
		"3029_name_equals_master":            NewClusterError(3029, nil),
		"3030_cluster_name_mismatch":         NewClusterError(3030, nil),
		"3031_version_mismatch":              NewClusterError(3031, nil),
		"3060_invalid_node_name":             NewClusterError(3060, "bad name!"),
		"3020_timeout_cluster_request":       NewClusterError(3020, "echo"),
		"1000_unhandled_error_from_dispatch": NewInternalError(1000, "boom"),
	}
	if len(cases) != len(vectors) {
		t.Fatalf("%d constructed cases for %d vectors", len(cases), len(vectors))
	}
	for name, e := range cases {
		want, ok := vectors[name]
		if !ok {
			t.Fatalf("no vector %q", name)
		}
		if got := string(EncodeException(e)); got != want.Payload {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.Payload)
		}
		if got := e.Error(); got != want.DecodedStr {
			t.Errorf("%s: Error() = %q, want %q", name, got, want.DecodedStr)
		}
	}
}

func TestLiveHelloRejectionsDecode(t *testing.T) {
	want := map[string]struct {
		code  int
		extra any
	}{
		"hello rejected by real master with 3029": {3029, nil},
		"hello rejected by real master with 3030": {3030, nil},
		"hello rejected by real master with 3060": {3060, "bad.name"},
	}
	seen := 0
	for _, fr := range loadCapture(t, "live_hello_rejections.jsonl") {
		if fr.Cmd != CmdErr {
			continue
		}
		seen++
		w, ok := want[fr.Case]
		if !ok {
			t.Fatalf("unexpected case %q", fr.Case)
		}
		e := ResponseError([]byte(fr.Plaintext))
		if e.Code != w.code || e.Class != ClassWazuhClusterError || e.ExtraMessage != w.extra {
			t.Errorf("%s: decoded %#v", fr.Case, e)
		}
		if got := string(EncodeException(NewClusterError(w.code, w.extra))); got != fr.Plaintext {
			t.Errorf("%s: encoded\n got %s\nwant %s", fr.Case, got, fr.Plaintext)
		}
	}
	if seen != len(want) {
		t.Fatalf("saw %d err frames, want %d", seen, len(want))
	}
}

func TestResponseErrorFallsBackToClusterError3000(t *testing.T) {
	for _, payload := range []string{
		"unknown command 'b'foo''",
		"Write path not allowed",
		`{"not": "an exception"}`,
		`{"__wazuh_exception__": {"__class__": "NoSuchClass", "__object__": {"code": 1000}}}`,
		"",
	} {
		e := ResponseError([]byte(payload))
		if e.Class != ClassWazuhClusterError || e.Code != 3000 || e.ExtraMessage != payload {
			t.Errorf("ResponseError(%q) = %#v", payload, e)
		}
		want := "Error 3000 - Cluster"
		if payload != "" {
			want += ": " + payload
		}
		if e.Error() != want {
			t.Errorf("ResponseError(%q).Error() = %q, want %q", payload, e.Error(), want)
		}
	}
}

func TestWazuhErrorFamilyCarriesIDsAndTitles(t *testing.T) {
	cases := []struct {
		e    *WazuhError
		want string
	}{
		{NewResourceNotFound(1730, nil),
			`{"__wazuh_exception__": {"__class__": "WazuhResourceNotFound", "__object__": {"type": "about:blank", "title": "Resource Not Found", "code": 1730, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": []}}}`},
		{&WazuhError{Class: ClassWazuhError, Code: 1724, ExtraMessage: "foo", IDs: []string{"001"}},
			`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"type": "about:blank", "title": "Bad Request", "code": 1724, "extra_message": "foo", "extra_remediation": null, "cmd_error": false, "dapi_errors": {}, "ids": ["001"]}}}`},
		{&WazuhError{Class: ClassWazuhPermissionError, Code: 4000, DapiErrors: map[string]any{"worker1": Object{{Key: "error", Value: "x"}, {Key: "logfile", Value: "api.log"}}}},
			`{"__wazuh_exception__": {"__class__": "WazuhPermissionError", "__object__": {"type": "about:blank", "title": "Permission Denied", "code": 4000, "extra_message": null, "extra_remediation": null, "cmd_error": false, "dapi_errors": {"worker1": {"error": "x", "logfile": "api.log"}}, "ids": []}}}`},
	}
	for _, c := range cases {
		got := string(EncodeException(c.e))
		if got != c.want {
			t.Errorf("encode %s:\n got %s\nwant %s", c.e.Class, got, c.want)
		}
		back, err := DecodeException([]byte(got))
		if err != nil {
			t.Fatalf("decode %s: %v", c.e.Class, err)
		}
		if string(EncodeException(back)) != got {
			t.Errorf("%s does not round-trip", c.e.Class)
		}
	}
}

func TestMessageFollowsWazuhRules(t *testing.T) {
	remediation := "check it"
	cases := []struct {
		name string
		e    *WazuhError
		want string
	}{
		{"catalogue only", NewClusterError(3029, nil), "Error 3029 - Connected worker with same name as the master"},
		{"empty extra is falsy", NewClusterError(3029, ""), "Error 3029 - Connected worker with same name as the master"},
		{"string extra", NewClusterError(3022, "worker9"), "Error 3022 - Unknown node ID: worker9"},
		{"cmd_error uses the extra alone", &WazuhError{Class: ClassWazuhError, Code: 1810, CmdError: true, ExtraMessage: "Upgrade failed"}, "Error 1810 - Upgrade failed"},
		{"unknown code uses the extra alone", NewInternalError(9999, "odd"), "Error 9999 - odd"},
		{"unknown code without extra", NewInternalError(9999, nil), "Error 9999 - None"},
		{"dict extra fills placeholders", NewInternalError(1017, Object{{Key: "node_name", Value: "master-node"}, {Key: "not_ready_daemons", Value: "wazuh-db"}}),
			`Error 1017 - Some Wazuh daemons are not ready yet in node "master-node" (wazuh-db)`},
		{"list extra is its repr", NewClusterError(3000, []any{"a", "it's"}), `Error 3000 - Cluster: ['a', "it's"]`},
		{"remediation does not change the message", &WazuhError{Class: ClassWazuhError, Code: 1403, ExtraRemediation: &remediation}, "Error 1403 - Not a valid sort field"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%s: Error() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDecodeExceptionKeepsNonDefaultTitleAndType(t *testing.T) {
	in := `{"__wazuh_exception__": {"__class__": "WazuhInternalError", "__object__": {"type": "urn:x", "title": "Custom", "code": 1000, "extra_message": {"k": [1, 2.5]}, "extra_remediation": "r", "cmd_error": false, "dapi_errors": {}}}}`
	e, err := DecodeException([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if e.Title() != "Custom" || e.Type() != "urn:x" || *e.ExtraRemediation != "r" {
		t.Errorf("decoded %#v", e)
	}
	if got := string(EncodeException(e)); got != in {
		t.Errorf("round trip:\n got %s\nwant %s", got, in)
	}
}

func TestDecodeExceptionRefusesBadInput(t *testing.T) {
	cases := map[string]struct {
		in   string
		want error
	}{
		"not json":        {`{"__wazuh_exception__"`, ErrInvalidJSON},
		"trailing data":   {`{} {}`, ErrTrailingData},
		"plain object":    {`{"a": 1}`, ErrNotException},
		"plain list":      {`[1]`, ErrNotException},
		"unknown class":   {`{"__wazuh_exception__": {"__class__": "KeyError", "__object__": {"code": 1}}}`, ErrUnknownExceptionClass},
		"missing code":    {`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {}}}`, ErrMalformedObject},
		"code not int":    {`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"code": "3000"}}}`, ErrMalformedObject},
		"unknown arg":     {`{"__wazuh_exception__": {"__class__": "WazuhError", "__object__": {"code": 1, "bogus": 1}}}`, ErrMalformedObject},
		"ids on base":     {`{"__wazuh_exception__": {"__class__": "WazuhException", "__object__": {"code": 1, "ids": []}}}`, ErrMalformedObject},
		"object missing":  {`{"__wazuh_exception__": {"__class__": "WazuhError"}}`, ErrMalformedObject},
		"wrapper is list": {`{"__wazuh_exception__": []}`, ErrMalformedObject},
		"too deep":        {deepJSON(maxJSONDepth + 1), ErrJSONTooDeep},
	}
	for name, c := range cases {
		_, err := DecodeException([]byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
}

func deepJSON(depth int) string {
	s := "1"
	for i := 0; i < depth; i++ {
		s = "[" + s + "]"
	}
	return s
}

func TestToWazuhError(t *testing.T) {
	if ToWazuhError(nil) != nil {
		t.Error("ToWazuhError(nil) != nil")
	}
	inner := NewClusterError(3020, "echo")
	if got := ToWazuhError(fmt.Errorf("send: %w", inner)); got != inner {
		t.Errorf("wrapped exception not found: %v", got)
	}
	got := ToWazuhError(errors.New("boom"))
	if got.Class != ClassWazuhInternalError || got.Code != 1000 || got.Error() != "Error 1000 - Wazuh Internal Error: boom" {
		t.Errorf("ToWazuhError(boom) = %#v", got)
	}
}

func TestEncodeNilException(t *testing.T) {
	if got := string(EncodeException(nil)); got != "null" {
		t.Errorf("EncodeException(nil) = %q", got)
	}
}

func TestFalsyExtraMessagesAreLeftOut(t *testing.T) {
	for _, extra := range []any{json.Number("0"), json.Number("0.0"), 0, 0.0, false, []any{}, Object{}, map[string]any{}, []string{}} {
		if got := NewClusterError(3016, extra).Error(); got != "Error 3016 - Received an error response" {
			t.Errorf("extra %#v: %q", extra, got)
		}
	}
	truthy := map[string]any{"True": true, "7": json.Number("7"), "0.5": 0.5, "['x']": []string{"x"}, "2024-01-02 03:04:05+00:00": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	for want, extra := range truthy {
		if got := NewClusterError(3016, extra).Error(); got != "Error 3016 - Received an error response: "+want {
			t.Errorf("extra %#v: %q", extra, got)
		}
	}
}

func TestErrorsIsMatchesExceptionsByCode(t *testing.T) {
	timeout := NewClusterError(3020, nil)
	err := fmt.Errorf("get_nodes: %w", NewClusterError(3020, "get_nodes"))
	if !errors.Is(err, timeout) {
		t.Errorf("%v should match %v", err, timeout)
	}
	if errors.Is(err, NewClusterError(3021, nil)) {
		t.Errorf("%v must not match another code", err)
	}
	if errors.Is(err, (*WazuhError)(nil)) || errors.Is(err, ErrNotException) {
		t.Errorf("%v must not match a nil exception or an unrelated error", err)
	}
}
