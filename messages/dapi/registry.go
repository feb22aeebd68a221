package dapi

import (
	"errors"
	"strings"
)

// The registry answers "which function does this callable name, and may it run?" from tables
// built from the Wazuh 4.14.7 sources (registry_table.go):
//
//   - exposedFunctions: the 133 functions with __wazuh_exposed__ — every function the REST API
//     sends through the DAPI (DAPI §4.3) and the internal ones (authentication, RBAC, the
//     ruleset integrity, Agent.get_agents_overview of cluster_control -a);
//   - frameworkModules: every module of the packages wazuh and api, with the names defined at
//     its top level, so that a name the framework has but does not expose is refused as "not
//     exposed" and a name it does not have as "cannot be decoded", as Wazuh answers;
//   - frameworkClasses and importedNames: what a Class.name lookup, or a name a module
//     imports, finds.
//
// Nothing outside these tables is ever resolved. wazuh.agent.get_full_overview and
// wazuh.manager.get_update_information, which the API calls as local_master, are defined but
// not exposed: Wazuh refuses them from a worker (DAPI §4.1, N1), and so does the registry.

// moduleInfo is one module of the framework.
type moduleInfo struct {
	pkg   bool   // a package (its submodules may be imported)
	attrs string // the names it defines, space separated
}

func (m moduleInfo) has(name string) bool {
	for _, a := range strings.Fields(m.attrs) {
		if a == name {
			return true
		}
	}
	return false
}

// errNotExposed marks a name that exists but lacks the __wazuh_exposed__ marker.
var errNotExposed = errors.New("not exposed")

var exposedByName = func() map[string]Function {
	m := make(map[string]Function, len(exposedFunctions))
	for _, f := range exposedFunctions {
		m[f.String()] = f
	}
	return m
}()

// LookupFunction returns the exposed function defined in module under the qualified name
// qualname ("wazuh.cluster", "get_nodes_info"); ok is false for anything else, exposed under
// another name or not at all.
func LookupFunction(module, qualname string) (Function, bool) {
	f, ok := exposedByName[module+"."+qualname]
	return f, ok
}

// ExposedFunctions returns every function Wazuh 4.14.7 lets the DAPI run, sorted by module and
// qualified name.
func ExposedFunctions() []Function {
	return append([]Function(nil), exposedFunctions[:]...)
}

// lookupAttribute is getattr(module, name), or getattr(getattr(module, class), name) when the
// callable's qualified name has a class part, followed by the __wazuh_exposed__ check. The
// module is known (importModule succeeded).
func lookupAttribute(module, class, name string) (Function, error) {
	info := frameworkModules[module]
	if class == "" {
		if f, ok := exposedByName[module+"."+name]; ok {
			return f, nil
		}
		if target, ok := importedNames[module+"."+name]; ok {
			if f, ok := exposedByName[target]; ok {
				return f, nil
			}
		}
		if info.has(name) {
			return Function{}, errNotExposed
		}
		return Function{}, errUndecodable{}
	}
	if !info.has(class) {
		return Function{}, errUndecodable{}
	}
	classKey := module + "." + class
	if target, ok := importedNames[classKey]; ok {
		classKey = target
	}
	if f, ok := exposedByName[classKey+"."+name]; ok {
		return f, nil
	}
	members, known := frameworkClasses[classKey]
	if known && !(moduleInfo{attrs: members}).has(name) {
		return Function{}, errUndecodable{}
	}
	// A member of a class whose body the tables do not list, or of a name that is not a class
	// (a module it imports, say): it is taken to exist, and it is not exposed.
	return Function{}, errNotExposed
}
