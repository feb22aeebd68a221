package messages

import (
	"errors"
	"strings"
	"testing"
)

// The expected texts were produced by CPython 3.11's json.loads (whose scanner is 3.10's).
func TestPyJSONErrorMatchesPython(t *testing.T) {
	cases := []struct{ in, want string }{
		{``, `Expecting value: line 1 column 1 (char 0)`},
		{` `, `Expecting value: line 1 column 2 (char 1)`},
		{`{"f": `, `Expecting value: line 1 column 7 (char 6)`},
		{`{`, `Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`},
		{`{"a"`, `Expecting ':' delimiter: line 1 column 5 (char 4)`},
		{`{"a" 1}`, `Expecting ':' delimiter: line 1 column 6 (char 5)`},
		{`{"a":1,}`, `Expecting property name enclosed in double quotes: line 1 column 8 (char 7)`},
		{`{"a":1 "b":2}`, `Expecting ',' delimiter: line 1 column 8 (char 7)`},
		{`[1,]`, `Expecting value: line 1 column 4 (char 3)`},
		{`[1 2]`, `Expecting ',' delimiter: line 1 column 4 (char 3)`},
		{`{"a":1}x`, `Extra data: line 1 column 8 (char 7)`},
		{"{\"a\":\"\x01\"}", `Invalid control character at: line 1 column 7 (char 6)`},
		{`{"a":"\q"}`, `Invalid \escape: line 1 column 7 (char 6)`},
		{`{"a":"\u12"}`, `Invalid \uXXXX escape: line 1 column 8 (char 7)`},
		{`{"a":"abc`, `Unterminated string starting at: line 1 column 6 (char 5)`},
		{`{"a":tru}`, `Expecting value: line 1 column 6 (char 5)`},
		{`{"a":-}`, `Expecting value: line 1 column 6 (char 5)`},
		{`{"a":1.}`, `Expecting ',' delimiter: line 1 column 7 (char 6)`},
		{`{"a":1e}`, `Expecting ',' delimiter: line 1 column 7 (char 6)`},
		{`{"a":01}`, `Expecting ',' delimiter: line 1 column 7 (char 6)`},
		{`nul`, `Expecting value: line 1 column 1 (char 0)`},
		{`{"é": x}`, `Expecting value: line 1 column 7 (char 6)`},
		{"{\"a\":\n  x}", `Expecting value: line 2 column 3 (char 8)`},
		{"[1,\n2,\n  ]", `Expecting value: line 3 column 3 (char 9)`},
		{`{"a":1.5e}`, `Expecting ',' delimiter: line 1 column 9 (char 8)`},
		{`{1:2}`, `Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`},
		{`{"a":[}`, `Expecting value: line 1 column 7 (char 6)`},
		{`  x`, `Expecting value: line 1 column 3 (char 2)`},
		{`{"a":"\u00e9\u12zz"}`, `Invalid \uXXXX escape: line 1 column 14 (char 13)`},
		{"{\"a\": \"x\ty\"}", `Invalid control character at: line 1 column 9 (char 8)`},
		{`-`, `Expecting value: line 1 column 1 (char 0)`},
		{`[-]`, `Expecting value: line 1 column 2 (char 1)`},
		{`1 2`, `Extra data: line 1 column 3 (char 2)`},
		{`{"a":"\`, `Unterminated string starting at: line 1 column 6 (char 5)`},
		{`{"a":"\u`, `Invalid \uXXXX escape: line 1 column 8 (char 7)`},
		{`{"a":1`, `Expecting ',' delimiter: line 1 column 7 (char 6)`},
		{`[1`, `Expecting ',' delimiter: line 1 column 3 (char 2)`},
		{`[`, `Expecting value: line 1 column 2 (char 1)`},
		{`"\u1234`, `Invalid \uXXXX escape: line 1 column 3 (char 2)`},
		{"\ufeff{}", `Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)`},
		{`{"a":1,`, `Expecting property name enclosed in double quotes: line 1 column 8 (char 7)`},
		{`{"a"  :  `, `Expecting value: line 1 column 10 (char 9)`},
		{strings.Repeat("[", 5000), `maximum recursion depth exceeded while decoding a JSON array from a unicode string`},
		{strings.Repeat(`{"a":`, 5000), `maximum recursion depth exceeded while decoding a JSON object from a unicode string`},
		// Refused here although Python parses them (the decoder has no such numbers).
		{`{"a": NaN}`, `Expecting value: line 1 column 7 (char 6)`},
	}
	for _, c := range cases {
		err := PyJSONError([]byte(c.in))
		if err == nil {
			t.Errorf("PyJSONError(%q) = nil, want %q", c.in, c.want)
			continue
		}
		if got := err.Error(); got != c.want {
			t.Errorf("PyJSONError(%q) = %q, want %q", c.in, got, c.want)
		}
		if !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("PyJSONError(%q) does not wrap ErrInvalidJSON", c.in)
		}
	}
}

func TestPyJSONErrorAcceptsWhatPythonParses(t *testing.T) {
	for _, in := range []string{`{"a":1} `, `"\ud800"`, `[1.5e3, -0, 0.25, true, false, null, {}, []]`, " \n{\"k\": \"\\u00e9\\n\"}\t"} {
		if err := PyJSONError([]byte(in)); err != nil {
			t.Errorf("PyJSONError(%q) = %v, want nil", in, err)
		}
	}
}

func TestPyUTF8ErrorMatchesPython(t *testing.T) {
	cases := []struct {
		in   string
		base int
		want string
	}{
		{"ab\xff", 0, `'utf-8' codec can't decode byte 0xff in position 2: invalid start byte`},
		{"\xe2\x28\xa1", 0, `'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte`},
		{"\xe2\x82\x28", 0, `'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte`},
		{"\xe2\x82", 0, `'utf-8' codec can't decode bytes in position 0-1: unexpected end of data`},
		{"\xe2", 0, `'utf-8' codec can't decode byte 0xe2 in position 0: unexpected end of data`},
		{"\xed\xa0\x80", 0, `'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte`},
		{"\xf0\x80\x80", 0, `'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte`},
		{"\xc0\xaf", 0, `'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte`},
		{"\xf4\x90", 0, `'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte`},
		{"\x80", 7, `'utf-8' codec can't decode byte 0x80 in position 7: invalid start byte`},
		{"\xf0\x9f\x98", 0, `'utf-8' codec can't decode bytes in position 0-2: unexpected end of data`},
		{"é ok \xf0\x9f\x98\x80", 0, ``},
	}
	for _, c := range cases {
		if got := PyUTF8Error([]byte(c.in), c.base); got != c.want {
			t.Errorf("PyUTF8Error(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// PyJSONError and the decoder must agree on what is JSON: the decoder's refusals are reported
// with Python's text, and nothing the decoder accepts is refused.
func FuzzPyJSONErrorAgreesWithDecoder(f *testing.F) {
	for _, seed := range []string{``, `{"f": `, `{"a": [1, 2.5e3, "x\u00e9"], "b": null}`, `[1,]`, `"\ud800"`, "\ufeff{}", `{"a":1}x`, `01`, `-`, `1.`, `"\x01"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		_, decodeErr := decodeOrdered(p)
		pyErr := PyJSONError(p)
		if (decodeErr == nil) != (pyErr == nil) {
			t.Fatalf("%q: decoder %v, Python's scanner %v", p, decodeErr, pyErr)
		}
		if pyErr != nil && pyErr.Error() == "" {
			t.Fatalf("%q: empty error text", p)
		}
	})
}
