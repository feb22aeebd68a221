package dapi

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// Permissions is a request's rbac_permissions (DAPI §2.1, §5.2): the caller's processed
// policies {action: {resource: "allow"|"deny"}, ..., "rbac_mode": "white"|"black"}, as the API
// computed them from its RBAC database. The native functions and the routing read them the way
// framework/wazuh/rbac/decorators.py's @expose_resources does, for the resources clusterd's
// functions use: node:id, agent:id, agent:group, group:id and the resourceless *:*:*.
type Permissions struct {
	obj messages.Object
}

// NewPermissions wraps an rbac_permissions object.
func NewPermissions(o messages.Object) Permissions { return Permissions{obj: pyDict(o)} }

func (p Permissions) object() messages.Object {
	if p.obj == nil {
		return messages.Object{{Key: "rbac_mode", Value: "black"}}
	}
	return p.obj
}

// Black reports whether the policies are a black list (everything allowed unless denied);
// white, the API's default, allows only what is allowed. The error is Wazuh's KeyError when
// the policies name no mode.
func (p Permissions) Black() (bool, error) {
	mode, ok := p.object().Get("rbac_mode")
	if !ok {
		return false, fmt.Errorf("%w: rbac_permissions without rbac_mode", errPyType)
	}
	return mode == "black", nil
}

// policy is the caller's {resource: effect} for action, in its order.
func (p Permissions) policy(action string) (messages.Object, error) {
	v, ok := p.object().Get(action)
	if !ok {
		return nil, nil
	}
	o, ok := v.(messages.Object)
	if !ok {
		return nil, fmt.Errorf("%w: policy of %q is not an object", errPyType, action)
	}
	return o, nil
}

// Resolver lists the resources a wildcard stands for, from the node's agent store and group
// folders (Wazuh's get_agents_info, expand_group and get_groups).
type Resolver interface {
	Agents() ([]string, error)                    // agent:id:* — every agent id, the manager's 000 included
	AgentsInGroup(group string) ([]string, error) // agent:group:<group> — the agents in that group
	Groups() ([]string, error)                    // group:id:* — every group name
}

// Scope is what the wildcards of a request expand to: node:id:* is the request's Nodes (the
// cluster as the API saw it), the agent and group wildcards come from Resolver, which may be
// nil when the resources evaluated are only nodes and *:*:*.
type Scope struct {
	Nodes    []string
	Resolver Resolver
}

// errNoResolver reports an agent or group wildcard evaluated without a Resolver.
var errNoResolver = errors.New("dapi: RBAC needs a resolver for agent and group resources")

// set is a set of resource values.
type set map[string]struct{}

func setOf(values []string) set {
	s := make(set, len(values))
	for _, v := range values {
		s[v] = struct{}{}
	}
	return s
}

func (s set) has(v string) bool { _, ok := s[v]; return ok }

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// evaluator is _match_permissions for one request, with the expansions it asked for kept.
type evaluator struct {
	p     Permissions
	sc    Scope
	cache map[string]set
}

// expand is _expand_resource: what "type:attribute:value" names on this node. Types clusterd
// does not hold (roles, users, rules, ruleset files) expand to nothing.
func (e *evaluator) expand(resource string) (set, error) {
	if s, ok := e.cache[resource]; ok {
		return s, nil
	}
	parts := strings.Split(resource, ":")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: resource %q", errPyType, resource)
	}
	kind, value := parts[0]+":"+parts[1], parts[2]
	var (
		values []string
		err    error
	)
	switch {
	case value != "*" && kind == "agent:group":
		values, err = e.resolve(func(r Resolver) ([]string, error) { return r.AgentsInGroup(value) })
	case value != "*":
		values = []string{value}
	case kind == "agent:id" || kind == "agent:group":
		values, err = e.resolve(Resolver.Agents)
	case kind == "group:id":
		values, err = e.resolve(Resolver.Groups)
	case kind == "node:id":
		values = e.sc.Nodes
	case kind == "*:*":
		values = []string{"*"}
	}
	if err != nil {
		return nil, err
	}
	s := setOf(values)
	if e.cache == nil {
		e.cache = map[string]set{}
	}
	e.cache[resource] = s
	return s, nil
}

func (e *evaluator) resolve(list func(Resolver) ([]string, error)) ([]string, error) {
	if e.sc.Resolver == nil {
		return nil, errNoResolver
	}
	return list(e.sc.Resolver)
}

// identifier is a resource's "type:attribute", agent:group counted as agent:id.
func identifier(resource string) string {
	id := resource[:max(strings.LastIndexByte(resource, ':'), 0)]
	if id == "agent:group" {
		return "agent:id"
	}
	return id
}

// match is _match_permissions for single (non-combined) resources: the values of each resource
// identifier the caller may act on, for any of actions.
func (e *evaluator) match(actions, required []string) (map[string]set, error) {
	black, err := e.p.Black()
	if err != nil {
		return nil, err
	}
	allow := map[string]set{}
	get := func(id string) set {
		if allow[id] == nil {
			allow[id] = set{}
		}
		return allow[id]
	}
	wanted := map[string][]string{} // _optimize_resources: values by identifier, as written
	for _, r := range required {
		id := r[:max(strings.LastIndexByte(r, ':'), 0)]
		wanted[id] = append(wanted[id], r[strings.LastIndexByte(r, ':')+1:])
	}
	for _, action := range actions {
		if black {
			for _, r := range required {
				if id := identifier(r); id == "*:*" {
					allow[id] = set{"*": {}}
				} else {
					exp, err := e.expand(r)
					if err != nil {
						return nil, err
					}
					for v := range exp {
						get(id)[v] = struct{}{}
					}
				}
			}
		}
		policy, err := e.p.policy(action)
		if err != nil {
			return nil, err
		}
		for _, m := range policy {
			if strings.Contains(m.Key, "&") {
				continue // combined resources: no function clusterd runs requires them
			}
			if err := e.apply(m, wanted, get); err != nil {
				return nil, err
			}
		}
	}
	return allow, nil
}

// apply is _single_processor for one of the caller's resources and its effect.
func (e *evaluator) apply(m messages.Member, wanted map[string][]string, get func(string) set) error {
	if strings.Count(m.Key, ":") != 2 {
		return fmt.Errorf("%w: resource %q", errPyType, m.Key)
	}
	id := identifier(m.Key)
	values := wanted[id]
	if len(values) == 0 {
		return nil
	}
	base, err := e.expand(m.Key)
	if err != nil {
		return err
	}
	expanded := make(set, len(base))
	for v := range base {
		expanded[v] = struct{}{}
	}
	wildcard := strings.HasSuffix(m.Key, ":*")
	allowEffect := m.Value == "allow"
	for _, value := range values {
		if wildcard && value != "*" {
			more, err := e.expand(id + ":" + value)
			if err != nil {
				return err
			}
			for v := range more {
				expanded[v] = struct{}{}
			}
		}
		target := get(id)
		for v := range expanded {
			if value != "*" && v != value {
				continue
			}
			if allowEffect {
				target[v] = struct{}{}
			} else {
				delete(target, v)
			}
		}
	}
	return nil
}

// Allowed reports whether the caller may do action on one resource ("node:id:worker1",
// "agent:id:001", "group:id:default", "*:*:*"), as the decorator decides it.
func (p Permissions) Allowed(action, resource string, sc Scope) (bool, error) {
	e := &evaluator{p: p, sc: sc}
	allow, err := e.match([]string{action}, []string{resource})
	if err != nil {
		return false, err
	}
	value := resource[strings.LastIndexByte(resource, ':')+1:]
	return allow[identifier(resource)].has(value), nil
}

// Gate is one @expose_resources decorator of a framework function: its actions and its
// resource, either dynamic — named by a keyword argument, "node:id:{filter_node}",
// "agent:id:{agent_list}", "group:id:{group_list}" — or static: "node:id:<this node>" (what
// Wazuh's f'node:id:{node_id}' becomes), "*:*:*".
type Gate struct {
	Actions  []string
	Resource string
}

// Decision is what a Gate lets a call do.
type Decision struct {
	Type      string   // the resource type, "node:id"
	Param     string   // the keyword argument the resource names; "" for a static resource
	Values    []string // what to run on: the requested values allowed, in their order, or every allowed value (sorted) when none was requested
	Denied    []string // the requested values refused, in their order
	AddDenied bool     // the refused values are failed items 4000 (AddDeniedTo); false when broadcasting, where they are dropped
	Skip      bool     // a static resource refused while broadcasting: the function is not run and returns nothing
}

var resourcePattern = regexp.MustCompile(`^([a-z*]+:[a-z*]+):([^{}]+|\*|\{(\w+)\})$`)

// Apply is the @expose_resources wrapper for one gate: it reads the gate's keyword argument
// from kwargs, evaluates the caller's policies and says which values the function runs on.
// When nothing requested is allowed and the refusal is to be reported (not broadcasting, or a
// request for "*" or None), the error is the WazuhPermissionError 4000 Wazuh raises, whose ids
// are the refused values; other errors are evaluation failures (a policy Wazuh would crash on,
// a Resolver error) for Request.Fail.
func (p Permissions) Apply(g Gate, kwargs messages.Object, broadcasting bool, sc Scope) (Decision, error) {
	m := resourcePattern.FindStringSubmatch(g.Resource)
	if m == nil {
		return Decision{}, fmt.Errorf("dapi: malformed gate resource %q", g.Resource)
	}
	d := Decision{Type: m[1], Param: m[3]}
	var (
		required  []string
		requested []string // original_kwargs[param], made a list; nil when absent or None
	)
	if d.Param == "" {
		d.AddDenied = !broadcasting
		required = []string{g.Resource}
	} else if v, ok := kwargs.Get(d.Param); !ok {
		required = []string{d.Type + ":*"}
	} else if list, isList := v.([]any); isList {
		d.AddDenied = !broadcasting
		requested = make([]string, 0, len(list))
		for _, x := range list {
			requested = append(requested, messages.PyStr(x))
			required = append(required, d.Type+":"+messages.PyStr(x))
		}
	} else {
		d.AddDenied = v == nil || v == "*" || !broadcasting
		if v == nil {
			required = []string{d.Type + ":*"}
		} else {
			requested = []string{messages.PyStr(v)}
			required = []string{d.Type + ":" + requested[0]}
		}
	}
	e := &evaluator{p: p, sc: sc}
	allowAll, err := e.match(g.Actions, required)
	if err != nil {
		return Decision{}, err
	}
	allow := allowAll[d.Type]
	for _, v := range requested {
		if !allow.has(v) && !slices.Contains(d.Denied, v) {
			d.Denied = append(d.Denied, v)
		}
	}
	refused := len(allow) == 0 && (d.Param == "" || len(requested) > 0)
	switch {
	case refused && d.AddDenied:
		ids := d.Denied
		if d.Param == "" {
			ids = []string{g.Resource[strings.LastIndexByte(g.Resource, ':')+1:]}
		}
		return Decision{}, DeniedError(d.Type, ids)
	case refused && d.Param == "":
		d.Skip = true
	case refused:
		d.Values = []string{}
	case d.Param == "":
	case requested != nil:
		d.Values = []string{}
		for _, v := range requested {
			if allow.has(v) {
				d.Values = append(d.Values, v)
			}
		}
	default:
		d.Values = allow.sorted()
	}
	return d, nil
}

// DeniedError is the WazuhPermissionError 4000 @expose_resources raises, and lists as failed
// items, for values of a resource type the caller may not act on.
func DeniedError(resourceType string, ids []string) *messages.WazuhError {
	e := messages.NewException(messages.ClassWazuhPermissionError, messages.ErrPermissionDenied.Code, "Resource type: "+resourceType)
	e.IDs = slices.Clone(ids)
	return e
}

// AddDeniedTo is the decorator's list_handler post-processing: with AddDenied, each refused
// value becomes a failed item of result, all under one 4000 exception listing them.
func (d Decision) AddDeniedTo(result *AffectedItems) {
	if !d.AddDenied || len(d.Denied) == 0 {
		return
	}
	err := DeniedError(d.Type, d.Denied)
	for _, id := range d.Denied {
		result.AddFailed(id, err)
	}
}
