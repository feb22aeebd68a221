package dapi

import "github.com/clusterd/clusterd/messages"

// argReader reads DistributedAPI's constructor arguments: a missing one takes its default, a
// mistyped one is refused (the first refusal is kept).
type argReader struct {
	o   messages.Object
	err *RequestError
}

func (a *argReader) get(key string) (any, bool) {
	if a.err != nil {
		return nil, false
	}
	return a.o.Get(key)
}

func (a *argReader) object(key string, def messages.Object) messages.Object {
	v, ok := a.get(key)
	if !ok || v == nil {
		return def
	}
	o, isObject := v.(messages.Object)
	if !isObject {
		a.err = invalidField(key, "an object")
	}
	return o
}

func (a *argReader) str(key, def string) string {
	v, ok := a.get(key)
	if !ok {
		return def
	}
	s, isString := v.(string)
	if !isString {
		a.err = invalidField(key, "a string")
	}
	return s
}

func (a *argReader) optStr(key string) *string {
	v, ok := a.get(key)
	if !ok || v == nil {
		return nil
	}
	s, isString := v.(string)
	if !isString {
		a.err = invalidField(key, "a string or null")
	}
	return &s
}

func (a *argReader) boolean(key string) bool {
	v, ok := a.get(key)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		a.err = invalidField(key, "a boolean")
	}
	return b
}

func (a *argReader) strings(key string) []string {
	v, ok := a.get(key)
	if !ok || v == nil {
		return nil
	}
	list, isList := stringList(v)
	if !isList {
		a.err = invalidField(key, "a list of strings")
	}
	return list
}

func (a *argReader) optInt(key string) int {
	v, ok := a.get(key)
	if !ok || v == nil {
		return 0
	}
	n, isInt := intValue(v)
	if !isInt {
		a.err = invalidField(key, "an integer")
	}
	return n
}
