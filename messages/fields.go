package messages

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The helpers below read typed members out of an ordered JSON tree; every failure wraps
// ErrMalformedPayload and names the member, so callers can refuse bad input with a clear error.

func member(o Object, key string) (any, error) {
	v, ok := o.Get(key)
	if !ok {
		return nil, fmt.Errorf("%w: missing %q", ErrMalformedPayload, key)
	}
	return v, nil
}

func asObject(v any, key string) (Object, error) {
	o, ok := v.(Object)
	if !ok {
		return nil, fmt.Errorf("%w: %q must be an object", ErrMalformedPayload, key)
	}
	return o, nil
}

func asString(v any, key string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %q must be a string", ErrMalformedPayload, key)
	}
	return s, nil
}

func asBool(v any, key string) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%w: %q must be a boolean", ErrMalformedPayload, key)
	}
	return b, nil
}

func asInt(v any, key string) (int, error) {
	n, ok := v.(json.Number)
	if !ok || !isIntegerLiteral(string(n)) {
		return 0, fmt.Errorf("%w: %q must be an integer", ErrMalformedPayload, key)
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		return 0, fmt.Errorf("%w: %q out of range: %w", ErrMalformedPayload, key, err)
	}
	return i, nil
}

func asFloat(v any, key string) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%w: %q must be a number", ErrMalformedPayload, key)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %w", ErrMalformedPayload, key, err)
	}
	return f, nil
}

// asStringList accepts a JSON list of strings; the result is non-nil even when the list is
// empty, so callers can tell [] from null.
func asStringList(v any, key string) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %q must be a list", ErrMalformedPayload, key)
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: %q must hold only strings", ErrMalformedPayload, key)
		}
		out = append(out, s)
	}
	return out, nil
}

func isIntegerLiteral(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".eE")
}

func decodeObjectPayload(p []byte) (Object, error) {
	v, err := decodeOrdered(p)
	if err != nil {
		return nil, err
	}
	o, ok := v.(Object)
	if !ok {
		return nil, fmt.Errorf("%w: expected a JSON object", ErrMalformedPayload)
	}
	return o, nil
}
