package dapi

import (
	"errors"
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// UnknownNode is the answer of a target the master cannot reach (Wazuh's 3022 from dapi_fwd,
// DAPI §3.4): WazuhClusterError 3022 "Unknown node ID" naming the node — or the 4000 the
// caller gets for a node it may not cluster:read — made a WazuhError whose ids are the node, so
// that a merge lists it as a failed item.
func (p *Plan) UnknownNode(node string) Result {
	e := messages.NewClusterError(messages.ErrUnknownNode.Code, node)
	req := p.Request
	_, err := req.RBAC.Apply(Gate{Actions: []string{"cluster:read"}, Resource: "node:id:{filter_node}"},
		messages.Object{{Key: "filter_node", Value: []any{node}}}, req.Broadcasting, Scope{Nodes: req.Nodes})
	var denied *messages.WazuhError
	if errors.As(err, &denied) && denied.Code == messages.ErrPermissionDenied.Code {
		e = denied
	}
	return Exception{Err: reclass(e, messages.ClassWazuhError, []string{node})}
}

// reclass is WazuhError.from_dict(e.to_dict() with ids): the same exception (its title and
// type kept) as another class. The dict goes through its JSON, as the exception's wire form.
func reclass(e *messages.WazuhError, class string, ids []string) *messages.WazuhError {
	fields, err := messages.DecodeOrdered(messages.EncodeJSON(setKwarg(slices.Clone(e.ToDict()), "ids", ids)))
	if err == nil {
		v, err := messages.AsWazuhObject(messages.Object{{Key: "__wazuh_exception__", Value: messages.Object{
			{Key: "__class__", Value: class}, {Key: "__object__", Value: fields},
		}}})
		if out, ok := v.(*messages.WazuhError); ok && err == nil {
			return out
		}
	}
	c := *e
	c.Class, c.IDs = class, ids
	return &c
}

// Finish merges the answers of a distributed request, one per Target in the Targets' order
// (a Target's Request.Fail for an error, UnknownNode for a node not reached), as
// forward_request does (DAPI §3.5, cluster §12.3): with more than one node allowed the answers
// are folded with | and the fold is limited and sorted by the request's limit, offset, fields
// and order (which act on a result's data.items only); otherwise the first answer stands (the
// routing's own AffectedItems when there is none). An AffectedItems answer then gets the
// routing's failed items (nodes outside the cluster, refused nodes — dropped with
// remove_denied_nodes), but not those of a node named "unknown". Raw answers are decoded first.
// The error is the exception Wazuh ends with instead: answer it with Request.Fail.
func (p *Plan) Finish(answers []Result) (Result, error) {
	decoded := make([]Result, len(answers))
	for i, a := range answers {
		r, err := decodeRaw(a)
		if err != nil {
			return nil, err
		}
		decoded[i] = r
	}
	var out Result
	switch {
	case p.merge && len(decoded) > 0:
		out = decoded[0]
		for _, next := range decoded[1:] {
			var err error
			if out, err = or(out, next); err != nil {
				return nil, err
			}
		}
		if _, isException := out.(Exception); !isException {
			var err error
			if out, err = limitAndSort(out, p.Request.Kwargs); err != nil {
				return nil, err
			}
		}
	case len(decoded) > 0:
		out = decoded[0]
	default:
		out = p.allowed.clone()
	}
	if items, ok := out.(*AffectedItems); ok && p.allowed != nil {
		items = items.clone()
		for _, g := range p.allowed.Failed() {
			if slices.Equal(g.IDs, []string{"unknown"}) || g.Err.Code == messages.ErrPermissionDenied.Code && p.Request.RemoveDeniedNodes {
				continue
			}
			for _, id := range g.IDs {
				items.AddFailed(id, g.Err)
			}
		}
		out = items
	}
	return out, nil
}

func decodeRaw(r Result) (Result, error) {
	if raw, ok := r.(Raw); ok {
		return DecodeResult(raw.JSON)
	}
	if r == nil {
		return nil, errors.New("dapi: no answer")
	}
	return r, nil
}
