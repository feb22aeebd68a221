package dapi

import (
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/clusterd/clusterd/messages"
)

// mergeCasters are the sort_casting types results.merge accepts, in its message's order.
var mergeCasters = []string{"int", "float", "str", "bool"}

// mergeItems is results.merge for two lists each sorted by fields/ascending/casting: the left
// list's head goes first unless the right one's goes before it (_goes_before_than).
func mergeItems(left, right []any, fields []string, ascending []any, casting []string) ([]any, error) {
	for _, t := range casting {
		if !slices.Contains(mergeCasters, t) {
			return nil, messages.ErrInternal.With("Invalid sort_casting type '" + t + "'. Allowed types: int, float, str, bool")
		}
	}
	getters := []func(any) any{func(x any) any { return x }} // criteria None: the items themselves
	if fields != nil {
		getters = getters[:0]
		for _, f := range fields {
			getters = append(getters, nestedGetter(f))
		}
	}
	n := min(len(getters), len(ascending), len(casting))
	out := make([]any, 0, len(left)+len(right))
	i, j := 0, 0
	for i < len(left) && j < len(right) {
		before, err := goesBefore(right[j], left[i], getters[:n], ascending[:n], casting[:n])
		if err != nil {
			return nil, err
		}
		if before {
			out = append(out, right[j])
			j++
		} else {
			out = append(out, left[i])
			i++
		}
	}
	out = append(out, left[i:]...)
	return append(out, right[j:]...), nil
}

// goesBefore is _goes_before_than(candidate, selected): a lexicographic order where each
// position has its own direction and cast, and None goes first.
func goesBefore(a, b any, getters []func(any) any, ascending []any, casting []string) (bool, error) {
	for k, get := range getters {
		x, y := get(a), get(b)
		var err error
		if x != nil {
			if x, err = pyCast(casting[k], x); err != nil {
				return false, err
			}
		}
		if y != nil {
			if y, err = pyCast(casting[k], y); err != nil {
				return false, err
			}
		}
		switch {
		case x == nil:
			return y != nil, nil
		case y == nil:
			return false, nil
		}
		asc := messages.PyTruthy(ascending[k])
		switch c := pyCompare(x, y); {
		case c < 0:
			return asc, nil
		case c > 0:
			return !asc, nil
		}
	}
	return false, nil
}

// nestedGetter is nested_itemgetter(expr): "a.b" reads {"a": {"b": ...}}, "\." is a dot in a
// key; a missing key gives None, and a value that cannot be indexed is returned as it is.
func nestedGetter(expr string) func(any) any {
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(expr); i++ {
		if expr[i] == '.' && (i == 0 || expr[i-1] != '\\') {
			keys = append(keys, strings.ReplaceAll(cur.String(), `\.`, "."))
			cur.Reset()
			continue
		}
		cur.WriteByte(expr[i])
	}
	keys = append(keys, strings.ReplaceAll(cur.String(), `\.`, "."))
	return func(v any) any {
		for _, k := range keys {
			var dict messages.Object
			switch x := v.(type) {
			case messages.Object:
				dict = x
			case *WazuhResult:
				dict = x.Dict
			case *AffectedItems:
				dict = x.Dikt
			default:
				return v // TypeError: not subscriptable by a string
			}
			next, ok := dict.Get(k)
			if !ok {
				return nil
			}
			v = next
		}
		return v
	}
}

// pyCast applies a sort_casting type as Python's int(), float(), str() or bool() would; a
// value they refuse is a TypeError or ValueError.
func pyCast(caster string, v any) (any, error) {
	switch caster {
	case "str":
		return messages.PyStr(v), nil
	case "bool":
		return messages.PyTruthy(v), nil
	case "float":
		return pyFloatOf(v)
	}
	return pyIntOf(v)
}

func pyIntOf(v any) (any, error) {
	if i, ok := pyInteger(v); ok {
		return i, nil
	}
	switch x := v.(type) {
	case json.Number, float64:
		f := pyFloat(x)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, errPyType
		}
		i, _ := big.NewFloat(math.Trunc(f)).Int(nil)
		return i, nil
	case string:
		if s, ok := pyNumericText(x); ok {
			if i, ok := new(big.Int).SetString(s, 10); ok {
				return i, nil
			}
		}
	}
	return nil, errPyType
}

func pyFloatOf(v any) (any, error) {
	if isPyNumber(v) {
		return pyFloat(v), nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errPyType
	}
	t, ok := pyNumericText(s)
	if !ok {
		return nil, errPyType
	}
	switch strings.ToLower(strings.TrimLeft(t, "+-")) {
	case "inf", "infinity", "nan":
	default:
		if strings.ContainsAny(t, "xXpP") {
			return nil, errPyType
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !math.IsInf(f, 0) {
		return nil, errPyType
	}
	return f, nil
}

// pyNumericText strips what int() and float() ignore — surrounding whitespace, an underscore
// between two digits — and reports whether the underscores were placed as Python allows.
func pyNumericText(s string) (string, bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if !strings.Contains(s, "_") {
		return s, s != ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			if i == 0 || i == len(s)-1 || !isASCIIDigit(s[i-1]) || !isASCIIDigit(s[i+1]) {
				return "", false
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// pyCompare orders two values cast the same way: ints, floats, strings (by code point, as
// UTF-8 bytes order them) or bools.
func pyCompare(x, y any) int {
	switch a := x.(type) {
	case *big.Int:
		return a.Cmp(y.(*big.Int))
	case float64:
		b := y.(float64)
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	case string:
		return strings.Compare(a, y.(string))
	case bool:
		b := y.(bool)
		switch {
		case a == b:
			return 0
		case !a:
			return -1
		}
		return 1
	}
	return 0
}
