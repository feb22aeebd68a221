package messages

// maxJSONDepth mirrors Python's default recursion limit: json.loads fails on deeper documents,
// and bounding the depth keeps hostile payloads from exhausting the stack.
const maxJSONDepth = 1000

// Object is a JSON object whose members keep their document order, as a Python dict does.
type Object []Member

// Member is one key/value pair of an Object.
type Member struct {
	Key   string
	Value any
}

// Get returns the value of the member named key; with duplicate keys the last one wins, as in
// Python's json.loads.
func (o Object) Get(key string) (any, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return nil, false
}

// Has reports whether o has a member named key.
func (o Object) Has(key string) bool {
	_, ok := o.Get(key)
	return ok
}

// decodeOrdered parses exactly one JSON document (RFC 8259, surrounding whitespace allowed)
// into nil, bool, string, json.Number, []any or Object, keeping object members in document
// order. Strings are decoded as encoding/json does: invalid UTF-8 and lone surrogates become
// U+FFFD.
func decodeOrdered(p []byte) (any, error) {
	s := scanner{data: p}
	s.skipSpace()
	v, err := s.value(0)
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return nil, ErrTrailingData
	}
	return v, nil
}
