package dapi

import (
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Function is a framework function a request may name: a function that carries
// __wazuh_exposed__ in Wazuh 4.14.7 (ExposedFunctions). It is only a name; which functions this
// node runs, and how, is the executor's business.
type Function struct {
	Module   string // __module__: "wazuh.cluster"
	Qualname string // __qualname__: "get_nodes_info", "Agent.get_agents_overview"
	Type     string // __type__: "function", or "_lru_cache_wrapper" for the two cached ones
	Async    bool   // a coroutine function (Wazuh awaits it in the event loop)
}

// Name is the function's __name__, the last part of its qualified name.
func (f Function) Name() string {
	return f.Qualname[strings.LastIndexByte(f.Qualname, '.')+1:]
}

// String is the function's full dotted name, "wazuh.cluster.get_nodes_info".
func (f Function) String() string { return f.Module + "." + f.Qualname }

// Callable is the function as WazuhJSONEncoder writes it into a request.
func (f Function) Callable() messages.Callable {
	return messages.Callable{Name: f.Name(), Module: f.Module, Qualname: f.Qualname, Type: f.Type}
}

// MarshalJSON writes the function in Wazuh's {"__callable__": {...}} shape, so a function held
// inside keyword arguments encodes as Wazuh's encoder would write it.
func (f Function) MarshalJSON() ([]byte, error) { return messages.EncodeJSON(f.Callable()), nil }

// allowedPackages are the only packages whose callables Wazuh decodes (common.py
// ALLOWED_CALLABLES_PACKAGES).
var allowedPackages = map[string]bool{"wazuh": true, "api": true}

// errUndecodable stands for the KeyError, AttributeError, TypeError or ValueError that
// as_wazuh_object turns into "Wazuh object cannot be decoded from JSON <dict>"; the hook that
// knows the dict writes the text.
type errUndecodable struct{}

func (errUndecodable) Error() string { return "Wazuh object cannot be decoded" }

// pyError is a Python exception other than a Wazuh one, by its str(): Wazuh answers a request
// it fails on that way with dapi_err.
type pyError string

func (e pyError) Error() string { return string(e) }

// cmdError is a WazuhInternalError 1000 with cmd_error, whose message is text alone: how
// as_wazuh_object refuses what it cannot or may not decode.
func cmdError(text string) *messages.WazuhError {
	e := messages.ErrInternal.With(text)
	e.CmdError = true
	return e
}

// resolveCallable decodes the value of "__callable__" as as_wazuh_object does: the function it
// names when that function is exposed, else the error Wazuh raises — a *messages.WazuhError for
// its own refusals (not exposed, package not allowed), a pyError for an import that fails, and
// errUndecodable where Python fails on a missing or mistyped attribute.
func resolveCallable(v any) (Function, error) {
	attrs, ok := v.(messages.Object)
	if !ok {
		return Function{}, errUndecodable{}
	}
	name, ok := stringAttr(attrs, "__name__")
	if !ok {
		return Function{}, errUndecodable{}
	}
	if attrs.Has("__wazuh__") {
		return Function{}, wazuhMethod(name)
	}
	qualname, ok := stringAttr(attrs, "__qualname__")
	if !ok {
		return Function{}, errUndecodable{}
	}
	module, ok := stringAttr(attrs, "__module__")
	if !ok {
		return Function{}, errUndecodable{}
	}
	pkg, _, _ := strings.Cut(module, ".")
	if !allowedPackages[pkg] {
		return Function{}, cmdError("Decoding callable from module '" + module + "' is not allowed")
	}
	if err := importModule(module); err != nil {
		return Function{}, err
	}
	var class string
	if dot := strings.IndexByte(qualname, '.'); dot >= 0 {
		class = qualname[:dot]
	}
	f, err := lookupAttribute(module, class, name)
	if err == errNotExposed {
		return Function{}, cmdError("Function '" + name + "' from module '" + module + "' is not exposed with @dapi_allower decorator")
	}
	return f, err
}

func stringAttr(o messages.Object, key string) (string, bool) {
	v, ok := o.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// wazuhAttributes are the attributes of a wazuh.Wazuh() instance: a callable bound to one
// ("__wazuh__") names one of them, and none is exposed in 4.14.7.
var wazuhAttributes = strings.Fields("__init__ __str__ __eq__ to_dict _initialize version type path max_agents " +
	"openssl_support tz_offset tz_name __class__ __dict__ __doc__ __module__ __repr__ __hash__ __ne__ __weakref__ " +
	"__getattribute__ __setattr__ __delattr__ __dir__ __format__ __reduce__ __reduce_ex__ __sizeof__ " +
	"__subclasshook__ __init_subclass__ __new__ __lt__ __le__ __gt__ __ge__")

func wazuhMethod(name string) error {
	for _, a := range wazuhAttributes {
		if a == name {
			return cmdError("Method '" + name + "' is not exposed with @dapi_allower decorator")
		}
	}
	return errUndecodable{}
}

// importModule fails as import_module(module minus its package, package=<package>) does for a
// module the framework does not have. An import error is not one of the exceptions
// as_wazuh_object converts, so its text reaches the client as is.
func importModule(module string) error {
	pkg, rel, _ := strings.Cut(module, ".")
	if module == pkg {
		return errUndecodable{} // import_module("") raises ValueError("Empty module name")
	}
	if strings.HasPrefix(rel, ".") {
		return pyError("attempted relative import beyond top-level package")
	}
	parts := strings.Split(module, ".")
	for i := 2; i <= len(parts); i++ {
		prefix := strings.Join(parts[:i], ".")
		if _, ok := frameworkModules[prefix]; ok {
			continue
		}
		parent := strings.Join(parts[:i-1], ".")
		msg := "No module named " + messages.PyStrRepr(prefix)
		if !frameworkModules[parent].pkg {
			msg += "; " + messages.PyStrRepr(parent) + " is not a package"
		}
		return pyError(msg)
	}
	return nil
}
