package messages

// The functions below open this package's JSON machinery to the packages built on it
// (messages/dapi), which decode the same Wazuh documents with their own typed hooks.

// DecodeOrdered parses exactly one JSON document into nil, bool, string, json.Number, []any or
// Object, object members in document order (duplicates kept: Python's dict would keep the
// first key's position and the last value). No Wazuh hook is applied.
func DecodeOrdered(p []byte) (any, error) { return decodeOrdered(p) }

// AsWazuhObject applies as_wazuh_object to one object whose members are already decoded:
// "__callable__" gives a Callable, "__wazuh_exception__" a *WazuhError, "__wazuh_result__" a
// WazuhResult, "__wazuh_datetime__" a time.Time, "__unhandled_exc__" the object {class: args};
// any other object is returned as is. An error means Python's hook would have failed too.
func AsWazuhObject(o Object) (any, error) { return asWazuhObject(o) }

// PyTruthy is Python's bool(v) for the values this package decodes.
func PyTruthy(v any) bool { return pyTruthy(v) }

// ToDict is the exception's to_dict(): {type, title, code, extra_message, extra_remediation,
// cmd_error, dapi_errors[, ids]}, as AffectedItemsWazuhResult writes its failed items.
func (e *WazuhError) ToDict() Object { return e.fields() }
