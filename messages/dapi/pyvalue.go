package dapi

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/clusterd/clusterd/messages"
)

// Python's arithmetic and equality over decoded JSON values, as the result merges of results.py
// use them.

// errPyType stands for a Python TypeError or ValueError inside a merge: Wazuh's executor turns
// it into WazuhInternalError 1000 "Wazuh Internal Error" (Request.Fail does the same).
var errPyType = errors.New("python TypeError")

// intValue reads an integer JSON value.
func intValue(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case json.Number:
		n, err := strconv.Atoi(string(x))
		return n, err == nil
	}
	return 0, false
}

// isPyNumber reports whether v is a numbers.Number for Python: bool, int or float.
func isPyNumber(v any) bool {
	switch v.(type) {
	case bool, int, float64, json.Number:
		return true
	}
	return false
}

// mustFloat reads a number literal the decoder accepted; one beyond float range is infinite,
// as Python's float() makes it.
func mustFloat(n json.Number) float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}

// pyInteger returns v as a Python int when it is one (bool counts, as in Python).
func pyInteger(v any) (*big.Int, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	case int:
		return big.NewInt(int64(x)), true
	case json.Number:
		s := string(x)
		if s == "" || strings.ContainsAny(s, ".eE") {
			return nil, false
		}
		return new(big.Int).SetString(s, 10)
	}
	return nil, false
}

// pyFloat returns a number as a float.
func pyFloat(v any) float64 {
	if i, ok := pyInteger(v); ok {
		f, _ := new(big.Float).SetInt(i).Float64()
		return f
	}
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		return mustFloat(x)
	}
	return math.NaN()
}

// pyAdd is a + b for two numbers: an int when both are ints (or bools), else a float.
func pyAdd(a, b any) (any, error) {
	if !isPyNumber(a) || !isPyNumber(b) {
		return nil, errPyType
	}
	ia, okA := pyInteger(a)
	ib, okB := pyInteger(b)
	if okA && okB {
		return json.Number(new(big.Int).Add(ia, ib).String()), nil
	}
	return pyFloat(a) + pyFloat(b), nil
}

// pyEqual is Python's == for decoded values: numbers by value (True == 1 == 1.0), dicts
// whatever their order, lists item by item.
func pyEqual(a, b any) bool {
	if isPyNumber(a) && isPyNumber(b) {
		ia, okA := pyInteger(a)
		ib, okB := pyInteger(b)
		if okA && okB {
			return ia.Cmp(ib) == 0
		}
		return pyFloat(a) == pyFloat(b)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
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
	case messages.Object:
		y, ok := b.(messages.Object)
		return ok && dictEqual(x, y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case *messages.WazuhError:
		y, ok := b.(*messages.WazuhError)
		return ok && failedKey(x) == failedKey(y)
	case Function:
		y, ok := b.(Function)
		return ok && x == y
	case Result:
		y, ok := b.(Result)
		return ok && string(EncodeResult(x)) == string(EncodeResult(y))
	}
	return false
}

func dictEqual(x, y messages.Object) bool {
	x, y = pyDict(x), pyDict(y)
	if len(x) != len(y) {
		return false
	}
	for _, m := range x {
		v, ok := y.Get(m.Key)
		if !ok || !pyEqual(m.Value, v) {
			return false
		}
	}
	return true
}
