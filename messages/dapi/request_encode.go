package dapi

import "github.com/clusterd/clusterd/messages"

// Encode writes the request as json.dumps(DistributedAPI.to_dict(), cls=WazuhJSONEncoder): the
// 13 keys in to_dict's order, the function in its canonical form, the keyword arguments in the
// order they came, api_timeout as the effective timeout. This is the text a node forwards.
func (r *Request) Encode() []byte {
	var lc any
	if r.LocalClientArg != nil {
		lc = *r.LocalClientArg
	}
	kwargs := r.Kwargs
	if kwargs == nil {
		kwargs = messages.Object{}
	}
	nodes := r.Nodes
	if nodes == nil {
		nodes = []string{}
	}
	return messages.EncodeJSON(messages.Object{
		{Key: "f", Value: r.F.Callable()},
		{Key: "f_kwargs", Value: kwargs},
		{Key: "request_type", Value: string(r.Type)},
		{Key: "wait_for_complete", Value: r.WaitForComplete},
		{Key: "from_cluster", Value: r.FromCluster},
		{Key: "is_async", Value: r.IsAsync},
		{Key: "local_client_arg", Value: lc},
		{Key: "basic_services", Value: r.BasicServices},
		{Key: "rbac_permissions", Value: r.RBAC.object()},
		{Key: "current_user", Value: r.CurrentUser},
		{Key: "broadcasting", Value: r.Broadcasting},
		{Key: "nodes", Value: nodes},
		{Key: "api_timeout", Value: r.APITimeout},
	})
}

// setKwarg replaces the value of key where it stands, or adds it at the end, as assigning to a
// Python dict does.
func setKwarg(o messages.Object, key string, v any) messages.Object {
	for i := range o {
		if o[i].Key == key {
			o[i].Value = v
			return o
		}
	}
	return append(o, messages.Member{Key: key, Value: v})
}

// deleteKwarg removes key, as del does.
func deleteKwarg(o messages.Object, key string) messages.Object {
	out := o[:0:0]
	for _, m := range o {
		if m.Key != key {
			out = append(out, m)
		}
	}
	return out
}

// withAgents is the request a node gets for its share of the agents: forward() replaces
// agent_id (when present, else agent_list) by that node's ids, where it stands. A request
// naming no agent is left as it is.
func (r *Request) withAgents(ids []string) *Request {
	c := r.Clone()
	if ids == nil {
		return c
	}
	key := ""
	switch {
	case c.Kwargs.Has("agent_id"):
		key = "agent_id"
	case c.Kwargs.Has("agent_list"):
		key = "agent_list"
	default:
		return c
	}
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	c.Kwargs = setKwarg(c.Kwargs, key, list)
	return c
}
