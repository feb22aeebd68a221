package messages

import (
	"fmt"
	"strings"
)

// EncodeException encodes e exactly as Wazuh's json.dumps(e, cls=WazuhJSONEncoder):
// {"__wazuh_exception__": {"__class__": ..., "__object__": {"type", "title", "code",
// "extra_message", "extra_remediation", "cmd_error", "dapi_errors"[, "ids"]}}}.
func EncodeException(e *WazuhError) []byte {
	return EncodeJSON(e)
}

// DecodeException decodes an exception as Wazuh's as_wazuh_object does: the payload must be a
// JSON object with a "__wazuh_exception__" member naming a known class.
func DecodeException(p []byte) (*WazuhError, error) {
	v, err := DecodeObject(p)
	if err != nil {
		return nil, fmt.Errorf("decode exception: %w", err)
	}
	e, ok := v.(*WazuhError)
	if !ok {
		return nil, ErrNotException
	}
	return e, nil
}

// ResponseError turns the payload of an `err` response into an error value as the Python
// requester does: a JSON exception is decoded; anything else (plain-text errors from the file
// and string sub-protocols, unknown-command replies) becomes WazuhClusterError 3000 with the
// text as extra message ("Error 3000 - Cluster: <text>"). The peer chose that text, and it ends
// up in logs and in the errors handed to local clients: a text extra message is clipped as
// ClipForLog does, and an exception larger than maxDecodedException is not decoded.
func ResponseError(payload []byte) *WazuhError {
	if len(payload) <= maxDecodedException {
		if e, err := DecodeException(payload); err == nil {
			e.ExtraMessage = clipExtraMessage(e.ExtraMessage)
			return e
		}
	}
	return ErrCluster.With(strings.ToValidUTF8(ClipForLog(string(payload)), "\uFFFD"))
}

// maxDecodedException bounds the exceptions ResponseError decodes: Wazuh's are a few hundred
// bytes, and decoding builds a tree several times the size of its text.
const maxDecodedException = 64 << 10

// clipExtraMessage clips a peer's extra message, or turns one that prints long (a list, a dict)
// into its clipped text.
func clipExtraMessage(extra any) any {
	if s, ok := extra.(string); ok {
		return ClipForLog(s)
	}
	if text := PyStr(extra); len(text) > MaxLoggedPeerText {
		return ClipForLog(text)
	}
	return extra
}

// wireObject is the exception in the shape WazuhJSONEncoder writes.
func (e *WazuhError) wireObject() Object {
	return Object{{Key: "__wazuh_exception__", Value: Object{
		{Key: "__class__", Value: e.Class},
		{Key: "__object__", Value: e.fields()},
	}}}
}

// fields is the exception's to_dict().
func (e *WazuhError) fields() Object {
	var remediation any
	if e.ExtraRemediation != nil {
		remediation = *e.ExtraRemediation
	}
	dapiErrors := e.DapiErrors
	if dapiErrors == nil {
		dapiErrors = map[string]any{}
	}
	fields := Object{
		{Key: "type", Value: e.Type()},
		{Key: "title", Value: e.Title()},
		{Key: "code", Value: e.Code},
		{Key: "extra_message", Value: e.ExtraMessage},
		{Key: "extra_remediation", Value: remediation},
		{Key: "cmd_error", Value: e.CmdError},
		{Key: "dapi_errors", Value: dapiErrors},
	}
	if e.hasIDs() {
		ids := e.IDs
		if ids == nil {
			ids = []string{}
		}
		fields = append(fields, Member{Key: "ids", Value: ids})
	}
	return fields
}

// exceptionFromWire rebuilds an exception from the value of "__wazuh_exception__". Like
// cls.from_dict(**dct) it refuses unknown classes and unknown or mistyped arguments.
func exceptionFromWire(v any) (*WazuhError, error) {
	wrapper, err := asObject(v, "__wazuh_exception__")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	class, err := stringMember(wrapper, "__class__")
	if err != nil {
		return nil, err
	}
	classInfo, known := exceptionClasses[class]
	if !known {
		return nil, fmt.Errorf("%w: %q", ErrUnknownExceptionClass, class)
	}
	rawFields, err := member(wrapper, "__object__")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	fields, err := asObject(rawFields, "__object__")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	e := &WazuhError{Class: class}
	seenCode := false
	for _, m := range fields {
		if err := e.setWireField(m, class != ClassWazuhException); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedObject, err)
		}
		seenCode = seenCode || m.Key == "code"
	}
	if !seenCode {
		return nil, fmt.Errorf("%w: missing %q", ErrMalformedObject, "code")
	}
	if !classInfo.ids {
		e.IDs = nil
	}
	return e, nil
}

// setWireField applies one argument of the exception's constructor; acceptsIDs is false only
// for the base class, whose constructor has no ids parameter.
func (e *WazuhError) setWireField(m Member, acceptsIDs bool) error {
	var err error
	switch m.Key {
	case "type":
		e.typ, err = optionalText(m)
		if e.typ == defaultExceptionType {
			e.typ = ""
		}
	case "title":
		e.title, err = optionalText(m)
		if e.title == exceptionClasses[e.Class].title {
			e.title = ""
		}
	case "code":
		e.Code, err = asInt(m.Value, m.Key)
	case "extra_message":
		e.ExtraMessage = m.Value
	case "extra_remediation":
		e.ExtraRemediation = nil
		if m.Value != nil {
			var s string
			s, err = asString(m.Value, m.Key)
			e.ExtraRemediation = &s
		}
	case "cmd_error":
		e.CmdError = false
		if m.Value != nil {
			e.CmdError, err = asBool(m.Value, m.Key)
		}
	case "dapi_errors":
		e.DapiErrors, err = dapiErrorsFromWire(m)
	case "ids":
		if !acceptsIDs {
			return fmt.Errorf("unexpected argument %q", m.Key)
		}
		e.IDs = nil
		if m.Value != nil {
			e.IDs, err = asStringList(m.Value, m.Key)
		}
	default:
		return fmt.Errorf("unexpected argument %q", m.Key)
	}
	return err
}

// optionalText reads a string argument where null (or "") means "use the default".
func optionalText(m Member) (string, error) {
	if m.Value == nil {
		return "", nil
	}
	return asString(m.Value, m.Key)
}

func dapiErrorsFromWire(m Member) (map[string]any, error) {
	if m.Value == nil {
		return nil, nil
	}
	o, err := asObject(m.Value, m.Key)
	if err != nil {
		return nil, err
	}
	if len(o) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(o))
	for _, node := range o {
		out[node.Key] = node.Value
	}
	return out, nil
}

func stringMember(o Object, key string) (string, error) {
	v, err := member(o, key)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	s, err := asString(v, key)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedObject, err)
	}
	return s, nil
}
