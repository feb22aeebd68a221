package dapi

import (
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// Result is what a request ends with, and what travels back as the long string named by
// dapi_res (DAPI §2.2, cluster §1.6): a *WazuhResult, an *AffectedItems, an Exception (a Wazuh
// exception answered as a value, not as a transport error) or Raw (an answer already encoded,
// passed on untouched). EncodeResult writes any of them as json.dumps(result,
// cls=WazuhJSONEncoder) does; DecodeResult reads one back.
type Result interface {
	appendWire(b []byte) []byte
}

// WazuhResult is framework/wazuh/core/results.py's WazuhResult: a dict, and the string
// priorities that settle conflicts when two of them are merged.
type WazuhResult struct {
	Dict        messages.Object // the result's dict, in its order
	StrPriority []string        // nil is Python's None
}

// NewWazuhResult wraps a dict, as distribute_function wraps any answer that is neither a
// result nor an exception (Agent.get_agents_overview's dict, for one).
func NewWazuhResult(dict messages.Object) *WazuhResult {
	if dict == nil {
		dict = messages.Object{}
	}
	return &WazuhResult{Dict: dict}
}

func (r *WazuhResult) appendWire(b []byte) []byte {
	var priority any
	if r.StrPriority != nil {
		priority = r.StrPriority
	}
	dict := r.Dict
	if dict == nil {
		dict = messages.Object{}
	}
	return append(b, messages.EncodeJSON(messages.WazuhResult{Class: classWazuhResult, Fields: messages.Object{
		{Key: "str_priority", Value: priority},
		{Key: "result", Value: dict},
	}})...)
}

// MarshalJSON lets a result nested in another result's values encode in Wazuh's shape.
func (r *WazuhResult) MarshalJSON() ([]byte, error) { return EncodeResult(r), nil }

// Exception is a Wazuh exception as a request's result.
type Exception struct {
	Err *messages.WazuhError
}

func (e Exception) appendWire(b []byte) []byte {
	return append(b, messages.EncodeException(e.Err)...)
}

// Raw is an answer already encoded as Wazuh encodes results (a Python executor's output, a
// worker's answer relayed as is): it is written out unchanged. DecodeResult reads it when it
// must be merged.
type Raw struct {
	JSON []byte
}

func (r Raw) appendWire(b []byte) []byte { return append(b, r.JSON...) }

// Python class names of the results.
const (
	classWazuhResult   = "WazuhResult"
	classAffectedItems = "AffectedItemsWazuhResult"
)

// EncodeResult encodes r exactly as Wazuh's json.dumps(result, cls=WazuhJSONEncoder): the text
// a node sends as the long string of dapi_res.
func EncodeResult(r Result) []byte {
	return r.appendWire(nil)
}

// DecodeResult reads an answer as the master reads a node's (forward_request):
// json.loads(answer, object_hook=as_wazuh_object), a result or an exception kept as such and
// any other dict wrapped in a WazuhResult. The error is the exception Wazuh's executor ends with
// — WazuhInternalError 3036 when the text is not JSON, the hook's error 1000 when an object
// cannot be decoded, 1000 "dct param must be a dict..." for a value that is not a dict — to be
// returned with Request.Fail.
func DecodeResult(p []byte) (Result, error) {
	v, err := decodeWazuhJSON(p)
	if err != nil {
		if errors.Is(err, messages.ErrInvalidJSON) {
			// distribute_function raises it as a WazuhInternalError (the table's class for 3036
			// is the cluster's).
			return nil, messages.NewInternalError(messages.ErrJSONNotLoaded.Code, nil)
		}
		return nil, err
	}
	return asResult(v)
}

// asResult is distribute_function's last step: results and exceptions as they are, a dict as a
// WazuhResult, anything else refused as WazuhResult(...) refuses it.
func asResult(v any) (Result, error) {
	switch x := v.(type) {
	case *WazuhResult:
		return x, nil
	case *AffectedItems:
		return x, nil
	case *messages.WazuhError:
		return Exception{Err: x}, nil
	case messages.Object:
		return NewWazuhResult(x), nil
	}
	return nil, notADict(v)
}

// notADict is the error AbstractWazuhResult.__init__ raises for a value that is not a dict.
func notADict(v any) *messages.WazuhError {
	return messages.ErrInternal.With("dct param must be a dict or an AbstractWazuhResult subclass, not a " + pyClassRepr(v))
}

// resultFromWire decodes the value of "__wazuh_result__" as
// getattr(results, cls).decode_json(obj) does.
func resultFromWire(v any) (Result, error) {
	wrapper, ok := v.(messages.Object)
	if !ok {
		return nil, errUndecodable{}
	}
	class, ok := stringAttr(wrapper, "__class__")
	if !ok {
		return nil, errUndecodable{}
	}
	obj, ok := wrapper.Get("__object__")
	if !ok {
		return nil, errUndecodable{}
	}
	switch class {
	case classWazuhResult:
		return wazuhResultFromWire(obj)
	case classAffectedItems:
		return affectedFromWire(obj)
	}
	return nil, errUndecodable{}
}

func wazuhResultFromWire(v any) (Result, error) {
	obj, ok := v.(messages.Object)
	if !ok {
		return nil, errUndecodable{}
	}
	dict, okDict := obj.Get("result")
	priority, okPriority := obj.Get("str_priority")
	if !okDict || !okPriority {
		return nil, errUndecodable{}
	}
	r := &WazuhResult{}
	if priority != nil {
		list, ok := stringList(priority)
		if !ok {
			return nil, errUndecodable{}
		}
		r.StrPriority = list
	}
	switch d := dict.(type) {
	case messages.Object:
		r.Dict = d
	case *WazuhResult:
		r.Dict = d.Dict
	case *AffectedItems:
		r.Dict = d.Dikt
	default:
		return nil, notADict(dict)
	}
	return r, nil
}

// stringList reads a JSON list of strings; the result is non-nil even when empty.
func stringList(v any) ([]string, bool) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
