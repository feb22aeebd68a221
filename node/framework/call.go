package framework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// call is one execution of a native function: the request, its keyword arguments as the
// decorators leave them, and the node.
type call struct {
	ctx    context.Context
	req    *dapi.Request
	n      *Native
	kwargs messages.Object
	agents *agentIDs // get_agents_info, once read
}

// pyError is a Python exception other than a Wazuh one (TypeError, KeyError, ValueError):
// Wazuh's executor answers it as WazuhInternalError 1000.
type pyError struct{ text string }

func (e pyError) Error() string { return e.text }

func pyTypeError(text string) error  { return pyError{"TypeError: " + text} }
func pyValueError(text string) error { return pyError{"ValueError: " + text} }

// pyTypeName is type(v).__name__ of a decoded JSON value.
func pyTypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "int"
		}
		return "float"
	case []any:
		return "list"
	case messages.Object:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

// bind checks the keyword arguments against the function's parameters, as calling it does.
func (c *call) bind(fn string, params ...string) error {
	for _, m := range c.kwargs {
		if !containsString(params, m.Key) {
			return pyTypeError(fn + "() got an unexpected keyword argument " + messages.PyStrRepr(m.Key))
		}
	}
	return nil
}

// arg returns a keyword argument; absent is (nil, false).
func (c *call) arg(key string) (any, bool) { return c.kwargs.Get(key) }

// set replaces (or adds) a keyword argument, as a decorator does.
func (c *call) set(key string, v any) {
	for i := len(c.kwargs) - 1; i >= 0; i-- {
		if c.kwargs[i].Key == key {
			c.kwargs[i].Value = v
			return
		}
	}
	c.kwargs = append(c.kwargs, messages.Member{Key: key, Value: v})
}

// intArg reads an integer argument; a missing one is def.
func (c *call) intArg(key string, def int) (int, error) {
	v, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	return pyInt(key, v)
}

// optIntArg reads an integer argument that may be None (nil); a missing one is def.
func (c *call) optIntArg(key string, def *int) (*int, error) {
	v, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	if v == nil {
		return nil, nil
	}
	n, err := pyInt(key, v)
	return &n, err
}

func pyInt(key string, v any) (int, error) {
	if b, ok := v.(bool); ok {
		if b {
			return 1, nil
		}
		return 0, nil
	}
	num, ok := v.(json.Number)
	if ok {
		if n, err := strconv.Atoi(string(num)); err == nil {
			return n, nil
		}
	}
	return 0, pyTypeError(fmt.Sprintf("%s must be an integer, not %s", key, pyTypeName(v)))
}

// strArg reads a string argument; a missing one or None is def.
func (c *call) strArg(key, def string) (string, error) {
	v, ok := c.arg(key)
	if !ok || v == nil {
		return def, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", pyTypeError(fmt.Sprintf("%s must be a string, not %s", key, pyTypeName(v)))
	}
	return s, nil
}

// boolArg reads an argument by its truth, as Python tests it.
func (c *call) boolArg(key string) bool {
	v, _ := c.arg(key)
	return messages.PyTruthy(v)
}

// listArg reads a list of names (agent ids, groups, fields): a single name is a list of one;
// absent or None is nil.
func (c *call) listArg(key string) ([]string, error) {
	v, ok := c.arg(key)
	if !ok || v == nil {
		return nil, nil
	}
	return textList(key, v)
}

func textList(key string, v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, messages.PyStr(e))
		}
		return out, nil
	}
	return nil, pyTypeError(fmt.Sprintf("%s must be a list, not %s", key, pyTypeName(v)))
}

// sortArg reads a sort argument ({"fields": [...], "order": ...}); None or {} is nil.
func (c *call) sortArg(key string) (*sortSpec, error) {
	v, ok := c.arg(key)
	if !ok || v == nil {
		return nil, nil
	}
	o, isObject := v.(messages.Object)
	if !isObject {
		return nil, pyTypeError(fmt.Sprintf("%s must be a dict, not %s", key, pyTypeName(v)))
	}
	s := &sortSpec{given: len(o) > 0}
	if f, ok := o.Get("fields"); ok {
		s.hasFields = true
		if f != nil {
			list, err := textList("fields", f)
			if err != nil {
				return nil, err
			}
			s.fields = list
		}
	}
	if order, ok := o.Get("order"); ok {
		s.hasOrder = true
		s.order = messages.PyStr(order)
	}
	return s, nil
}

// searchArg reads a search argument ({"value": ..., "negation": ...}); None or {} is nil.
func (c *call) searchArg(key string) (*searchSpec, error) {
	v, ok := c.arg(key)
	if !ok || v == nil {
		return nil, nil
	}
	o, isObject := v.(messages.Object)
	if !isObject {
		return nil, pyTypeError(fmt.Sprintf("%s must be a dict, not %s", key, pyTypeName(v)))
	}
	if len(o) == 0 {
		return nil, nil
	}
	value, ok := o.Get("value")
	if !ok {
		return nil, errKey("value")
	}
	s, isString := value.(string)
	if !isString {
		return nil, pyTypeError("expected string or bytes-like object, got " + messages.PyStrRepr(pyTypeName(value)))
	}
	negation, ok := o.Get("negation")
	if !ok {
		return nil, errKey("negation")
	}
	return &searchSpec{value: s, negation: messages.PyTruthy(negation)}, nil
}

// filtersArg reads a filters dict, each filter's values as a list; given is the dict's truth.
func (c *call) filtersArg(key string) (filters []legacyFilter, given bool, err error) {
	v, ok := c.arg(key)
	if !ok || v == nil {
		return nil, false, nil
	}
	o, isObject := v.(messages.Object)
	if !isObject {
		return nil, false, pyTypeError(fmt.Sprintf("%s must be a dict, not %s", key, pyTypeName(v)))
	}
	return filtersOf(o), len(o) > 0, nil
}

// filtersOf turns a filters dict into legacy filters, later keys replacing earlier ones.
func filtersOf(o messages.Object) []legacyFilter {
	var out []legacyFilter
	for _, m := range o {
		values := []any{m.Value}
		if list, ok := m.Value.([]any); ok {
			values = list
		}
		values = jsonNumbersAsText(values)
		replaced := false
		for i := range out {
			if out[i].name == m.Key {
				out[i].values, replaced = values, true
			}
		}
		if !replaced {
			out = append(out, legacyFilter{name: m.Key, values: values})
		}
	}
	return out
}

// jsonNumbersAsText gives filter values the Python types the SQL binding expects.
func jsonNumbersAsText(values []any) []any {
	out := make([]any, len(values))
	for i, v := range values {
		if n, ok := v.(json.Number); ok {
			if x, err := strconv.ParseInt(string(n), 10, 64); err == nil {
				out[i] = x
				continue
			}
			if f, err := strconv.ParseFloat(string(n), 64); err == nil {
				out[i] = f
				continue
			}
		}
		out[i] = v
	}
	return out
}

// gate applies one @expose_resources decorator: the error refuses the call (a 4000 from the
// decorator, or an evaluation failure); the keyword argument the resource names is replaced
// by the values allowed, as the decorator does.
func (c *call) gate(g dapi.Gate) (dapi.Decision, error) {
	d, err := c.req.RBAC.Apply(g, c.kwargs, c.req.Broadcasting, c.scope())
	if err != nil {
		return d, err
	}
	if d.Param != "" {
		c.set(d.Param, stringsToAny(d.Values))
	}
	return d, nil
}

// errSkipped is what a call the decorator skipped (a static resource refused while
// broadcasting) ends with: the function returns None, which no result class accepts.
var errSkipped = messages.ErrInternal.With("dct param must be a dict or an AbstractWazuhResult subclass, not a <class 'NoneType'>")

// skipped returns a fresh copy of errSkipped.
func skipped() error {
	e := *errSkipped
	return &e
}

// postList is list_handler after the function ran: the refused values as failed items 4000,
// or, when none are reported, the exclude_codes removed.
func postList(result *dapi.AffectedItems, d dapi.Decision, excludeCodes ...int) {
	d.AddDeniedTo(result)
	if !d.AddDenied && len(excludeCodes) > 0 {
		result.RemoveFailed(excludeCodes...)
	}
}

// scope is what the caller's wildcards expand to on this node.
func (c *call) scope() dapi.Scope {
	return dapi.Scope{Nodes: c.req.Nodes, Resolver: resolver{c: c}}
}

// resolver expands agent and group wildcards from the store and etc/shared.
type resolver struct{ c *call }

func (r resolver) Agents() ([]string, error) {
	if r.c.n.db == nil {
		return []string{"000"}, nil
	}
	return r.c.systemAgents()
}

// AgentSet is agent:id:* as the executor keeps it: no list or set built per request.
func (r resolver) AgentSet() (map[string]struct{}, error) {
	if r.c.n.db == nil {
		return map[string]struct{}{"000": {}}, nil
	}
	return r.c.knownAgents()
}

func (r resolver) AgentsInGroup(group string) ([]string, error) {
	if r.c.n.db == nil {
		return nil, nil
	}
	return r.c.n.db.agentsInGroup(r.c.ctx, group)
}

func (r resolver) Groups() ([]string, error) { return r.c.n.groups() }

// groups is get_groups: the folders of etc/shared.
func (n *Native) groups() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(n.cfg.Node.Home, "etc", "shared"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list groups: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// groupExists is Agent.group_exists: 1722 for a name that is not a group name, then whether
// its folder exists.
func (n *Native) groupExists(group string) (bool, error) {
	if !validGroupName(group) {
		return false, messages.ErrInvalidGroupID.New()
	}
	fi, err := os.Stat(filepath.Join(n.cfg.Node.Home, "etc", "shared", group))
	return err == nil && fi.IsDir(), nil
}

// validGroupName is InputValidator.group: letters, digits, "_", "-" and "." (not "." or ".."
// alone, as a folder name), at most 255 characters.
func validGroupName(name string) bool {
	if name == "" || len(name) > 255 || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.') {
			return false
		}
	}
	return true
}
