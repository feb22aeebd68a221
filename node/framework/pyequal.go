package framework

import (
	"encoding/json"
	"math/big"
	"strconv"

	"github.com/clusterd/clusterd/messages"
)

// pyEqual is Python's == between decoded JSON values: dicts compare by their keys and values
// whatever the order, lists item by item, numbers by value (1 == 1.0), None only to None.
func pyEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case messages.Object:
		y, ok := b.(messages.Object)
		return ok && dictEqual(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	na, okA := numberOf(a)
	nb, okB := numberOf(b)
	return okA && okB && na.Cmp(nb) == 0
}

// dictEqual compares two dicts as Python does: the last value of a repeated key counts.
func dictEqual(x, y messages.Object) bool {
	kx, ky := lastValues(x), lastValues(y)
	if len(kx) != len(ky) {
		return false
	}
	for k, v := range kx {
		w, ok := ky[k]
		if !ok || !pyEqual(v, w) {
			return false
		}
	}
	return true
}

func lastValues(o messages.Object) map[string]any {
	m := make(map[string]any, len(o))
	for _, member := range o {
		m[member.Key] = member.Value
	}
	return m
}

// numberOf reads a JSON number (or a Go integer) exactly.
func numberOf(v any) (*big.Rat, bool) {
	switch x := v.(type) {
	case json.Number:
		r, ok := new(big.Rat).SetString(string(x))
		return r, ok
	case int:
		return new(big.Rat).SetInt64(int64(x)), true
	case int64:
		return new(big.Rat).SetInt64(x), true
	case float64:
		r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
		return r, ok
	}
	return nil, false
}
