package dapi

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

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
	listed := set{}
	for _, v := range requested {
		if _, dup := listed[v]; !dup && !allow.has(v) {
			listed[v] = struct{}{}
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
	g := result.group(err, failedKey(err))
	for _, id := range d.Denied {
		g.add(id)
	}
}
