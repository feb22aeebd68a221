package messages

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPyFloatRepr(t *testing.T) {
	cases := map[float64]string{0: "0.0", 0.25: "0.25", 1: "1.0", 0.30000000000000004: "0.30000000000000004",
		1e16: "1e+16", 1.5e-5: "1.5e-05", 0.0001: "0.0001", 123456789.125: "123456789.125", -2.5: "-2.5",
		9999999999999998: "9999999999999998.0", 1e22: "1e+22", 5e-324: "5e-324", math.Copysign(0, -1): "-0.0",
		math.Inf(1): "inf", math.Inf(-1): "-inf"}
	for in, want := range cases {
		if got := PyFloatRepr(in); got != want {
			t.Errorf("PyFloatRepr(%v) = %q, want %q", in, got, want)
		}
	}
	if got := PyFloatRepr(math.NaN()); got != "nan" {
		t.Errorf("PyFloatRepr(NaN) = %q, want nan", got)
	}
}

func TestPyRound(t *testing.T) {
	cases := []struct {
		in      float64
		ndigits int
		want    float64
	}{
		{0.25, 3, 0.25},
		{0.0015, 3, 0.002}, // binary value above the tie
		{1.0005, 3, 1.0},   // binary value below the tie
		{0.125, 2, 0.12},   // exact tie: to even
		{0.375, 2, 0.38},   // exact tie: to even
		{7.530865, 3, 7.531},
		{-2.5, 0, -2},
		{31622400, 3, 31622400},
		{1.5, -1, 1.5}, // negative ndigits is outside what is reproduced: x comes back
	}
	for _, tc := range cases {
		if got := PyRound(tc.in, tc.ndigits); got != tc.want {
			t.Errorf("PyRound(%v, %d) = %v, want %v", tc.in, tc.ndigits, got, tc.want)
		}
	}
	if got := PyRound(math.Inf(1), 3); !math.IsInf(got, 1) {
		t.Errorf("PyRound(inf, 3) = %v", got)
	}
}

func TestPyStrRepr(t *testing.T) {
	cases := map[string]string{
		"":             `''`,
		"1":            `'1'`,
		"it's":         `"it's"`,
		`both'"`:       `'both\'"'`,
		`back\slash`:   `'back\\slash'`,
		"\t\n\r\x7f":   `'\t\n\r\x7f'`,
		"nœud 😀":       `'nœud 😀'`,
		"\u00a0\u2028": `'\xa0\u2028'`,
	}
	for in, want := range cases {
		if got := PyStrRepr(in); got != want {
			t.Errorf("PyStrRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPyStrOfDecodedJSON(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"text", "text"},
		{nil, "None"},
		{false, "False"},
		{json.Number("-0"), "0"},
		{json.Number("123456789012345678901234567890"), "123456789012345678901234567890"},
		{json.Number("1.0"), "1.0"},
		{json.Number("1e3"), "1000.0"},
		{json.Number("1e999"), "inf"},
		{json.Number("-1e999"), "-inf"},
		{math.NaN(), "nan"},
		{map[string]any{"b": []any{json.Number("1"), "x"}, "a": nil}, "{'a': None, 'b': [1, 'x']}"},
	}
	for _, tc := range cases {
		if got := PyStr(tc.in); got != tc.want {
			t.Errorf("PyStr(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
