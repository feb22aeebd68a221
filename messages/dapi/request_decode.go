package dapi

import (
	"fmt"
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// MaxRequestSize bounds a request's JSON. The API's largest legitimate request carries an
// uploaded file (a rule, decoder or CDB list; api.yaml max_upload_size is 10 MiB) as a string
// in f_kwargs, which JSON escaping can grow up to three times for non-ASCII text, plus the
// caller's RBAC policies (the administrator's are 2.6 kB). Decoding builds Go values a few
// times the size of the text, so the bound also keeps one request's memory to about a hundred
// megabytes, whoever sends it. Wazuh has no bound short of its 256 MiB frame limit.
const MaxRequestSize = 32 << 20

// Admit is the check a request passes when it arrives, before it is acknowledged with "ok
// Added request to API requests queue": nil, or the exception to answer at once with err.
// Wazuh decodes the queued item ("<client> <json>", or "<worker>*<client> <json>" from a
// worker) as UTF-8 at that point and answers a failure with WazuhInternalError 1000 and
// Python's text, whose byte position counts the prefix: prefixLen is its length. A request
// over MaxRequestSize is refused there too, with 3050.
func Admit(p []byte, prefixLen int) *messages.WazuhError {
	if len(p) > MaxRequestSize {
		return tooLarge(len(p))
	}
	if text := messages.PyUTF8Error(p, prefixLen); text != "" {
		return messages.ErrInternal.With(text)
	}
	return nil
}

func tooLarge(n int) *messages.WazuhError {
	return messages.ErrPayloadTooLarge.With(fmt.Sprintf("DAPI request of %d bytes (more than %d)", n, MaxRequestSize))
}

// DecodeRequest decodes a request JSON as Wazuh's APIRequestQueue does: json.loads with
// as_wazuh_object, then DistributedAPI(**request). The error is a *RequestError whose text is
// the dapi_err Wazuh answers with: Python's json message for malformed text (N3), the
// registry's refusal of a callable (N1, N2, an unknown name), Python's KeyError, TypeError or
// AttributeError text for a request without a callable "f" or with an argument DistributedAPI
// does not take. Arguments of the wrong type, which Wazuh accepts and fails on later, are
// refused here with WazuhInternalError 1000.
func DecodeRequest(p []byte) (*Request, error) {
	if we := Admit(p, 0); we != nil {
		return nil, refuse(we)
	}
	v, err := decodeWazuhJSON(p)
	if err != nil {
		return nil, refuse(err)
	}
	return requestFromValue(v)
}

// constructorArgs are DistributedAPI.__init__'s keyword arguments, "logger" and "node" aside:
// the queue passes those itself.
var constructorArgs = map[string]bool{
	"f": true, "f_kwargs": true, "debug": true, "request_type": true, "current_user": true,
	"wait_for_complete": true, "from_cluster": true, "is_async": true, "broadcasting": true,
	"basic_services": true, "local_client_arg": true, "rbac_permissions": true, "nodes": true,
	"api_timeout": true, "remove_denied_nodes": true,
}

// requestFromValue fails where the queue's code does, in its order: request['f'].__name__ in
// the log line, then the constructor call.
func requestFromValue(v any) (*Request, error) {
	o, err := subscriptable(v)
	if err != nil {
		return nil, refuse(err)
	}
	f, ok := o.Get("f")
	if !ok {
		return nil, refuse(pyError("'f'"))
	}
	fn, ok := f.(Function)
	if !ok {
		return nil, refuse(pyError(fmt.Sprintf("'%s' object has no attribute '__name__'", pyTypeTitle(f))))
	}
	for _, explicit := range []string{"logger", "node"} {
		if o.Has(explicit) {
			return nil, refuse(pyError("wazuh.core.cluster.dapi.dapi.DistributedAPI() got multiple values for keyword argument '" + explicit + "'"))
		}
	}
	for _, m := range o {
		if m.Key == "self" {
			return nil, refuse(pyError("DistributedAPI.__init__() got multiple values for argument 'self'"))
		}
		if !constructorArgs[m.Key] {
			return nil, refuse(pyError("DistributedAPI.__init__() got an unexpected keyword argument " + messages.PyStrRepr(m.Key)))
		}
	}
	r := &Request{F: fn}
	if err := r.setArgs(o); err != nil {
		return nil, err
	}
	return r, nil
}

// subscriptable is request['f'] on the decoded document: only a dict (or a result, a mapping
// in Python) can be indexed by a string.
func subscriptable(v any) (messages.Object, error) {
	switch x := v.(type) {
	case messages.Object:
		return x, nil
	case *WazuhResult, *AffectedItems:
		return messages.Object{}, nil // a mapping whose dikt has no "f"
	case []any:
		return nil, pyError("list indices must be integers or slices, not str")
	case string:
		return nil, pyError("string indices must be integers")
	}
	return nil, pyError(fmt.Sprintf("'%s' object is not subscriptable", pyTypeTitle(v)))
}

// setArgs fills r from the constructor arguments, with DistributedAPI's defaults.
func (r *Request) setArgs(o messages.Object) *RequestError {
	a := argReader{o: o}
	r.Kwargs = a.object("f_kwargs", messages.Object{})
	r.Type = RequestType(a.str("request_type", string(LocalMaster)))
	r.WaitForComplete = a.boolean("wait_for_complete")
	r.FromCluster = a.boolean("from_cluster")
	r.IsAsync = a.boolean("is_async")
	r.LocalClientArg = a.optStr("local_client_arg")
	r.BasicServices = a.strings("basic_services")
	r.RBAC = Permissions{a.object("rbac_permissions", messages.Object{{Key: "rbac_mode", Value: "black"}})}
	r.CurrentUser = a.str("current_user", "")
	r.Broadcasting = a.boolean("broadcasting")
	r.Nodes = a.strings("nodes")
	r.Debug = a.boolean("debug")
	r.RemoveDeniedNodes = a.boolean("remove_denied_nodes")
	timeout := a.optInt("api_timeout")
	if a.err != nil {
		return a.err
	}
	switch r.Type {
	case LocalAny, LocalMaster, DistributedMaster:
	default:
		return invalidField("request_type", "local_any, local_master or distributed_master")
	}
	if len(r.BasicServices) == 0 {
		r.BasicServices = slices.Clone(defaultBasicServices)
	}
	if r.Nodes == nil {
		r.Nodes = []string{}
	}
	// api_request_timeout = max(api_timeout, request_timeout) if api_timeout else request_timeout
	r.APITimeout = max(timeout, DefaultAPITimeout)
	return nil
}
