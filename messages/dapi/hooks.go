package dapi

import (
	"errors"
	"fmt"

	"github.com/clusterd/clusterd/messages"
)

// decodeWazuhJSON parses p as json.loads(p, object_hook=as_wazuh_object) does in Wazuh. Objects
// are built bottom-up like Python dicts — a repeated key keeps its first position and its last
// value — and each is then given to the hook: "__callable__" becomes a Function (or the
// framework's refusal), "__wazuh_exception__" a *messages.WazuhError, "__wazuh_result__" a
// *WazuhResult or *AffectedItems, "__wazuh_datetime__" a time.Time, "__unhandled_exc__" the
// object {class: args}. Other values are messages.Object, []any, json.Number, string, bool, nil.
//
// The error is the one Python raises, by kind: a *messages.JSONDecodeError for malformed text,
// a *messages.WazuhError the hook raised (its refusals, the "cannot be decoded" error 1000), a
// pyError for a failed import.
func decodeWazuhJSON(p []byte) (any, error) {
	v, err := messages.DecodeOrdered(p)
	if err != nil {
		if pe := messages.PyJSONError(p); pe != nil {
			return nil, pe
		}
		// Python parses what this decoder refused (a case PyJSONError does not know of).
		return nil, fmt.Errorf("%w: %w", messages.ErrInvalidJSON, err)
	}
	return hookValue(v)
}

func hookValue(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		for i := range x {
			h, err := hookValue(x[i])
			if err != nil {
				return nil, err
			}
			x[i] = h
		}
		return x, nil
	case messages.Object:
		for i := range x {
			h, err := hookValue(x[i].Value)
			if err != nil {
				return nil, err
			}
			x[i].Value = h
		}
		return hookObject(pyDict(x))
	}
	return v, nil
}

// pyDict gives o the members a Python dict built from the same pairs has: a repeated key keeps
// the position where it first appeared and the value it was given last. An object without a
// repeated key, the usual case, is returned as it is.
func pyDict(o messages.Object) messages.Object {
	if !hasRepeatedKey(o) {
		return o
	}
	seen := make(map[string]int, len(o))
	out := o[:0:0]
	for _, m := range o {
		if i, dup := seen[m.Key]; dup {
			out[i].Value = m.Value
			continue
		}
		seen[m.Key] = len(out)
		out = append(out, m)
	}
	return out
}

// hasRepeatedKey looks for a key given twice: pairwise for the small objects that make up
// most documents, through a set for the others.
func hasRepeatedKey(o messages.Object) bool {
	if len(o) <= 16 {
		for i := 1; i < len(o); i++ {
			for j := 0; j < i; j++ {
				if o[i].Key == o[j].Key {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(o))
	for _, m := range o {
		if _, dup := seen[m.Key]; dup {
			return true
		}
		seen[m.Key] = struct{}{}
	}
	return false
}

// hookObject is as_wazuh_object for one dict whose members are already decoded.
func hookObject(o messages.Object) (any, error) {
	var (
		v   any
		err error
	)
	switch {
	case o.Has("__callable__"):
		attrs, _ := o.Get("__callable__")
		v, err = resolveCallable(attrs)
	case o.Has("__wazuh_exception__"):
		v, err = messages.AsWazuhObject(o)
	case o.Has("__wazuh_result__"):
		inner, _ := o.Get("__wazuh_result__")
		v, err = resultFromWire(inner)
	case o.Has("__wazuh_datetime__"), o.Has("__unhandled_exc__"):
		v, err = messages.AsWazuhObject(o)
	default:
		return o, nil
	}
	if err == nil {
		return v, nil
	}
	var we *messages.WazuhError
	var pe pyError
	if errors.As(err, &we) || errors.As(err, &pe) {
		return nil, err
	}
	// KeyError, AttributeError, TypeError, ValueError: Wazuh's hook names the dict it failed on.
	return nil, undecodable(o)
}

// undecodable is the error as_wazuh_object raises for a dict it cannot turn into a Wazuh
// object: WazuhInternalError 1000 with cmd_error, whose message is the text alone.
func undecodable(o messages.Object) *messages.WazuhError {
	return cmdError("Wazuh object cannot be decoded from JSON " + messages.PyRepr(o))
}
