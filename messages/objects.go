package messages

import (
	"fmt"
	"time"
)

// Callable is a function reference as DAPI requests carry it ({"__callable__": {...}}). It is
// only a description: resolving it to code needs an explicit allow-list, which is not this
// package's business.
type Callable struct {
	Name     string
	Module   string
	Qualname string
	Type     string // "function", "method", …
	Wazuh    any    // the "__wazuh__" description of a bound Wazuh object, when present
}

// WazuhResult is a framework result object ({"__wazuh_result__": {...}}): its Python class
// (WazuhResult, AffectedItemsWazuhResult, …) and its fields in document order.
type WazuhResult struct {
	Class  string
	Fields Object
}

// DecodeObject decodes a JSON payload as Wazuh's json.loads(..., object_hook=as_wazuh_object)
// does, innermost objects first: "__callable__" becomes Callable, "__wazuh_exception__"
// *WazuhError, "__wazuh_result__" WazuhResult, "__wazuh_datetime__" time.Time and
// "__unhandled_exc__" the one-member Object {class: args} that 4.14.7 produces. Other objects
// are Object (document order kept), arrays []any, numbers json.Number.
func DecodeObject(p []byte) (any, error) {
	v, err := decodeOrdered(p)
	if err != nil {
		return nil, err
	}
	return hookWazuhObjects(v)
}

func hookWazuhObjects(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			converted, err := hookWazuhObjects(e)
			if err != nil {
				return nil, err
			}
			x[i] = converted
		}
		return x, nil
	case Object:
		for i := range x {
			converted, err := hookWazuhObjects(x[i].Value)
			if err != nil {
				return nil, err
			}
			x[i].Value = converted
		}
		return asWazuhObject(x)
	}
	return v, nil
}

// asWazuhObject tests the special keys in the order as_wazuh_object does.
func asWazuhObject(o Object) (any, error) {
	if v, ok := o.Get("__callable__"); ok {
		return callableFromWire(v)
	}
	if v, ok := o.Get("__wazuh_exception__"); ok {
		return exceptionFromWire(v)
	}
	if v, ok := o.Get("__wazuh_result__"); ok {
		return resultFromWire(v)
	}
	if v, ok := o.Get("__wazuh_datetime__"); ok {
		return datetimeFromWire(v)
	}
	if v, ok := o.Get("__unhandled_exc__"); ok {
		return unhandledFromWire(v)
	}
	return o, nil
}

func callableFromWire(v any) (Callable, error) {
	attrs, err := asObject(v, "__callable__")
	if err != nil {
		return Callable{}, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	var c Callable
	if c.Name, err = stringMember(attrs, "__name__"); err != nil {
		return Callable{}, err
	}
	if c.Module, err = stringMember(attrs, "__module__"); err != nil {
		return Callable{}, err
	}
	if c.Qualname, err = stringMember(attrs, "__qualname__"); err != nil {
		return Callable{}, err
	}
	if attrs.Has("__type__") {
		if c.Type, err = stringMember(attrs, "__type__"); err != nil {
			return Callable{}, err
		}
	}
	c.Wazuh, _ = attrs.Get("__wazuh__")
	return c, nil
}

// wireObject is the callable in the shape WazuhJSONEncoder writes (key order as its default()).
func (c Callable) wireObject() Object {
	attrs := Object{
		{Key: "__name__", Value: c.Name},
		{Key: "__module__", Value: c.Module},
		{Key: "__qualname__", Value: c.Qualname},
	}
	if c.Wazuh != nil {
		attrs = append(attrs, Member{Key: "__wazuh__", Value: c.Wazuh})
	}
	attrs = append(attrs, Member{Key: "__type__", Value: c.Type})
	return Object{{Key: "__callable__", Value: attrs}}
}

func resultFromWire(v any) (WazuhResult, error) {
	wrapper, err := asObject(v, "__wazuh_result__")
	if err != nil {
		return WazuhResult{}, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	class, err := stringMember(wrapper, "__class__")
	if err != nil {
		return WazuhResult{}, err
	}
	raw, err := member(wrapper, "__object__")
	if err != nil {
		return WazuhResult{}, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	fields, err := asObject(raw, "__object__")
	if err != nil {
		return WazuhResult{}, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	return WazuhResult{Class: class, Fields: fields}, nil
}

func (r WazuhResult) wireObject() Object {
	fields := r.Fields
	if fields == nil {
		fields = Object{}
	}
	return Object{{Key: "__wazuh_result__", Value: Object{
		{Key: "__class__", Value: r.Class},
		{Key: "__object__", Value: fields},
	}}}
}

// isoLayouts are the datetime.fromisoformat() spellings Wazuh peers produce; Go accepts an
// optional fractional second after the seconds field of each.
var isoLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

func datetimeFromWire(v any) (time.Time, error) {
	s, err := asString(v, "__wazuh_datetime__")
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: invalid isoformat string %q", ErrMalformedObject, s)
}

func unhandledFromWire(v any) (Object, error) {
	exc, err := asObject(v, "__unhandled_exc__")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	class, err := stringMember(exc, "__class__")
	if err != nil {
		return nil, err
	}
	args, err := member(exc, "__args__")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	return Object{{Key: class, Value: args}}, nil
}
