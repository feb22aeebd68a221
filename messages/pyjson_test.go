package messages

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// Expected texts below were produced by CPython's json.dumps and repr.

func TestEncodeJSONFloatsLikePythonRepr(t *testing.T) {
	floats := []float64{0.0013522350000130245, 0.035093147000225144, 0.0, math.Copysign(0, -1), 1.0, 5.0, 0.1,
		1e-05, 0.0001, 1e16, 1e15, 123456789012345678.0, 9999999999999998.0, 1.5e-07, 1e+100, 2.5, -3.25,
		1234567.0, 1e22, 5e-324, 1.7976931348623157e308, 100.0, 0.000123}
	want := `[0.0013522350000130245, 0.035093147000225144, 0.0, -0.0, 1.0, 5.0, 0.1, 1e-05, 0.0001, 1e+16, 1000000000000000.0, 1.2345678901234568e+17, 9999999999999998.0, 1.5e-07, 1e+100, 2.5, -3.25, 1234567.0, 1e+22, 5e-324, 1.7976931348623157e+308, 100.0, 0.000123]`
	vals := make([]any, len(floats))
	for i, f := range floats {
		vals[i] = f
	}
	if got := string(EncodeJSON(vals)); got != want {
		t.Errorf("floats:\n got %s\nwant %s", got, want)
	}
	special := string(EncodeJSON([]any{math.NaN(), math.Inf(1), math.Inf(-1)}))
	if special != "[NaN, Infinity, -Infinity]" {
		t.Errorf("special floats = %s", special)
	}
}

func TestEncodeJSONStringsLikePythonEnsureASCII(t *testing.T) {
	in := []string{"plain", "quote\"back\\", "ctl\x01\x1f\x7f", "nl\n\r\t\b\f", "é ü", "日本", "😀", "/slash", "<>&"}
	want := `["plain", "quote\"back\\", "ctl\u0001\u001f\u007f", "nl\n\r\t\b\f", "\u00e9 \u00fc", "\u65e5\u672c", "\ud83d\ude00", "/slash", "<>&"]`
	if got := string(EncodeJSON(in)); got != want {
		t.Errorf("strings:\n got %s\nwant %s", got, want)
	}
	if got := string(EncodeJSON("bad\xffbyte")); got != `"bad\ufffdbyte"` {
		t.Errorf("invalid UTF-8 = %s", got)
	}
}

func TestEncodeJSONContainers(t *testing.T) {
	m := map[string]any{"b": 1, "a": []any{1, 2.5, nil, true, false, Object{}}, "c": map[string]any{}}
	if got := string(EncodeJSON(m)); got != `{"a": [1, 2.5, null, true, false, {}], "b": 1, "c": {}}` {
		t.Errorf("map = %s", got)
	}
	o := Object{{Key: "b", Value: 1}, {Key: "a", Value: []string{}}}
	if got := string(EncodeJSON(o)); got != `{"b": 1, "a": []}` {
		t.Errorf("object = %s", got)
	}
}

func TestEncodeJSONNormalisesDecodedNumbers(t *testing.T) {
	cases := map[string]string{"7": "7", "-0": "0", "123456789012345678901234567890": "123456789012345678901234567890",
		"1e5": "100000.0", "2.50": "2.5", "1E-7": "1e-07", "1e400": "1e400"}
	for in, want := range cases {
		if got := string(EncodeJSON(json.Number(in))); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}

func TestEncodeJSONRawMessageIsReformatted(t *testing.T) {
	got := string(EncodeJSON(json.RawMessage(`{"z":1,"a":{"x":[1,2]}}`)))
	if got != `{"z": 1, "a": {"x": [1, 2]}}` {
		t.Errorf("raw = %s", got)
	}
	if got := string(EncodeJSON(json.RawMessage(`not json`))); got != `"not json"` {
		t.Errorf("invalid raw = %s", got)
	}
}

func TestEncodeJSONForeignTypesStayValid(t *testing.T) {
	type point struct {
		X int `json:"x"`
	}
	if got := string(EncodeJSON(point{X: 3})); got != `{"x": 3}` {
		t.Errorf("struct = %s", got)
	}
	if got := EncodeJSON(make(chan int)); !json.Valid(got) {
		t.Errorf("unencodable value produced invalid JSON %s", got)
	}
}

func TestEncodeJSONDatetime(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC)
	if got := string(EncodeJSON(ts)); got != `{"__wazuh_datetime__": "2024-01-02T03:04:05.678901+00:00"}` {
		t.Errorf("datetime = %s", got)
	}
	whole := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 2*3600))
	if got := string(EncodeJSON(whole)); got != `{"__wazuh_datetime__": "2024-01-02T03:04:05+02:00"}` {
		t.Errorf("datetime = %s", got)
	}
}

func TestPyReprMatchesPython(t *testing.T) {
	v := []any{"a", "it's", `q"x`, `both'"`, "é", "\x00\n", json.Number("1"), nil, true, 2.5, Object{{Key: "k", Value: "v"}}}
	want := `['a', "it's", 'q"x', 'both\'"', 'é', '\x00\n', 1, None, True, 2.5, {'k': 'v'}]`
	if got := PyRepr(v); got != want {
		t.Errorf("repr:\n got %s\nwant %s", got, want)
	}
	for in, want := range map[string]string{"foo": `b'foo'`, "it's": `b"it's"`, "\x00\xff\\\t": `b'\x00\xff\\\t'`} {
		if got := PyBytesRepr([]byte(in)); got != want {
			t.Errorf("bytes repr of %q = %s, want %s", in, got, want)
		}
	}
}

func TestPyReprOfDecodedWazuhValues(t *testing.T) {
	cases := map[string]any{
		"datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)":                                                                                   time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC),
		"datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=82800)))":                                                      time.Date(2024, 1, 2, 3, 4, 0, 0, time.FixedZone("", -3600)),
		"datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))":                                                                time.Date(2024, 1, 2, 3, 4, 0, 0, time.FixedZone("", 7200)),
		"{'type': 'about:blank', 'title': 'Wazuh Cluster Error', 'code': 3029, 'extra_message': None, 'extra_remediation': None, 'cmd_error': False, 'dapi_errors': {}}": NewClusterError(3029, nil),
	}
	for want, v := range cases {
		if got := PyRepr(v); got != want {
			t.Errorf("repr:\n got %s\nwant %s", got, want)
		}
	}
}
