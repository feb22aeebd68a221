package messages

// objectReader reads typed members of an Object, remembering the first failure so a whole
// document can be read before checking once.
type objectReader struct {
	o   Object
	err error
}

func (r *objectReader) get(key string) any {
	if r.err != nil {
		return nil
	}
	v, err := member(r.o, key)
	r.err = err
	return v
}

func (r *objectReader) str(key string) string {
	v := r.get(key)
	if r.err != nil {
		return ""
	}
	s, err := asString(v, key)
	r.err = err
	return s
}

func (r *objectReader) int(key string) int {
	v := r.get(key)
	if r.err != nil {
		return 0
	}
	n, err := asInt(v, key)
	r.err = err
	return n
}

func (r *objectReader) bool(key string) bool {
	v := r.get(key)
	if r.err != nil {
		return false
	}
	b, err := asBool(v, key)
	r.err = err
	return b
}

// optBool reads a member that may be absent (clusterd's own additions to Wazuh's documents).
func (r *objectReader) optBool(key string) bool {
	if r.err != nil {
		return false
	}
	for _, m := range r.o {
		if m.Key == key {
			b, err := asBool(m.Value, key)
			r.err = err
			return b
		}
	}
	return false
}

func (r *objectReader) object(key string) Object {
	v := r.get(key)
	if r.err != nil {
		return nil
	}
	o, err := asObject(v, key)
	r.err = err
	return o
}

// sub returns a reader over the object member key; a failure is recorded in both readers.
func (r *objectReader) sub(key string) *objectReader {
	o := r.object(key)
	return &objectReader{o: o, err: r.err}
}

func (r *objectReader) counts(key string) map[string]int {
	o := r.object(key)
	if r.err != nil {
		return nil
	}
	out := make(map[string]int, len(o))
	for _, m := range o {
		n, err := asInt(m.Value, key+"."+m.Key)
		if err != nil {
			r.err = err
			return nil
		}
		out[m.Key] = n
	}
	return out
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
