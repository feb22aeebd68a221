package dapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

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
		if sr, ok := e.sc.Resolver.(AgentSetResolver); ok {
			all, err := sr.AgentSet()
			if err != nil {
				return nil, err
			}
			if e.cache == nil {
				e.cache = map[string]set{}
			}
			e.cache[resource] = set(all)
			return set(all), nil
		}
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
	// The values the resource covers: its expansion and, for a wildcard, each named value's
	// own expansion as the loop meets them (Wazuh's expanded list grows the same way). The
	// expansions are shared (the evaluator's cache, the executor's agent set): never written.
	var extra set
	wildcard := strings.HasSuffix(m.Key, ":*")
	allowEffect := m.Value == "allow"
	for _, value := range values {
		if wildcard && value != "*" {
			more, err := e.expand(id + ":" + value)
			if err != nil {
				return err
			}
			if extra == nil {
				extra = set{}
			}
			for v := range more {
				extra[v] = struct{}{}
			}
		}
		target := get(id)
		effect := func(v string) {
			if allowEffect {
				target[v] = struct{}{}
			} else {
				delete(target, v)
			}
		}
		if value != "*" {
			// Only the value itself can match: a lookup, not a walk over every agent.
			if base.has(value) || extra.has(value) {
				effect(value)
			}
			continue
		}
		for v := range base {
			effect(v)
		}
		for v := range extra {
			effect(v)
		}
	}
	return nil
}
