package dapi

import (
	"errors"
	"fmt"
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

// Policy returns the caller's {resource: effect} for action, in its order; nil when the
// policies do not name the action. The error is Wazuh's failure on a policy that is not an
// object.
func (p Permissions) Policy(action string) (messages.Object, error) { return p.policy(action) }

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

// AgentSetResolver is a Resolver that keeps every agent id as a set, ready to share: agent:id:*
// then costs no list and no set built per request. The set is only read.
type AgentSetResolver interface {
	Resolver
	AgentSet() (map[string]struct{}, error)
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
