package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// fieldDecoder stores one JSON value, found at path (e.g. "intervals.worker.keep_alive"), in the
// field it was built for.
type fieldDecoder func(path string, raw json.RawMessage) error

// objectSchema describes one JSON object of cluster.json: the keys it defines and, for Wazuh's
// own sections, which other keys are tolerated.
type objectSchema struct {
	fields  map[string]fieldDecoder
	ignored func(key string) bool
}

// maxSeconds keeps a duration in seconds representable as a time.Duration.
const maxSeconds = float64(math.MaxInt64) / float64(time.Second)

// decodeObject applies raw, which must be a JSON object, to the fields of schema. Keys are
// handled in sorted order so the first error reported does not depend on map iteration.
func decodeObject(path string, raw json.RawMessage, schema objectSchema) error {
	var obj map[string]json.RawMessage
	if jsonKind(raw) != '{' {
		return typeError(path, "an object", raw)
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformedJSON, displayPath(path), err)
	}
	for _, key := range sortedKeys(obj) {
		keyPath := joinPath(path, key)
		decode, ok := schema.fields[key]
		if !ok {
			if schema.ignored != nil && schema.ignored(key) {
				continue
			}
			return fmt.Errorf("%w: %s", ErrUnknownKey, keyPath)
		}
		if err := decode(keyPath, obj[key]); err != nil {
			return err
		}
	}
	return nil
}

func object(schema objectSchema) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		return decodeObject(path, raw, schema)
	}
}

// seconds reads a number of seconds, int or float, as Wazuh's cluster.json writes durations.
func seconds(dst *time.Duration) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		f, err := parseNumber(path, raw, "a number of seconds")
		if err != nil {
			return err
		}
		if math.Abs(f) > maxSeconds {
			return fmt.Errorf("%w: %s: %v seconds is out of range", ErrInvalidType, path, f)
		}
		*dst = time.Duration(math.Round(f * float64(time.Second)))
		return nil
	}
}

func integer(dst *int) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		n, err := parseInteger(path, raw)
		if err != nil {
			return err
		}
		if n < math.MinInt || n > math.MaxInt {
			return fmt.Errorf("%w: %s: %d is out of range", ErrInvalidType, path, n)
		}
		*dst = int(n)
		return nil
	}
}

func integer64(dst *int64) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		n, err := parseInteger(path, raw)
		if err != nil {
			return err
		}
		*dst = n
		return nil
	}
}

func number(dst *float64) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		f, err := parseNumber(path, raw, "a number")
		if err != nil {
			return err
		}
		*dst = f
		return nil
	}
}

func boolean(dst *bool) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			return typeError(path, "true or false", raw)
		}
		return nil
	}
}

func text(dst *string) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if jsonKind(raw) != '"' {
			return typeError(path, "a string", raw)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrMalformedJSON, path, err)
		}
		return nil
	}
}

func parseNumber(path string, raw json.RawMessage, want string) (float64, error) {
	if kind := jsonKind(raw); kind != '-' && (kind < '0' || kind > '9') {
		return 0, typeError(path, want, raw)
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
	if err != nil {
		// Only a literal beyond float64's range gets here; the JSON syntax was already checked.
		return 0, fmt.Errorf("%w: %s: %w", ErrInvalidType, path, err)
	}
	return f, nil
}

// parseInteger accepts a whole number, also written as a float (2.0, 1e9), since a JSON file
// edited by hand or by Python may spell integers either way.
func parseInteger(path string, raw json.RawMessage) (int64, error) {
	f, err := parseNumber(path, raw, "an integer")
	if err != nil {
		return 0, err
	}
	if n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err == nil {
		return n, nil
	}
	// 2^63 is exactly representable and already out of int64's range.
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, fmt.Errorf("%w: %s must be an integer, found %s", ErrInvalidType, path, bytes.TrimSpace(raw))
	}
	return int64(f), nil
}

// jsonKind returns the first byte of a JSON value, which tells its type.
func jsonKind(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func typeError(path, want string, raw json.RawMessage) error {
	found := "null"
	switch kind := jsonKind(raw); {
	case kind == '{':
		found = "an object"
	case kind == '[':
		found = "an array"
	case kind == '"':
		found = "a string"
	case kind == 't' || kind == 'f':
		found = "a boolean"
	case kind == '-' || (kind >= '0' && kind <= '9'):
		found = "a number"
	}
	return fmt.Errorf("%w: %s must be %s, found %s", ErrInvalidType, displayPath(path), want, found)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func displayPath(path string) string {
	if path == "" {
		return "cluster.json"
	}
	return path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}
