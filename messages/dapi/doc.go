// Package dapi is the Distributed API of Wazuh 4.14.7 without sockets or actors: the request
// and result JSON, the registry of functions a request may name, the choice of the node(s)
// that answer, the caller's RBAC policies, and the merging of several nodes' answers. It
// imports only the standard library and messages. References are DAPI §n (docs/protocol/dapi.md)
// and cluster §n (cluster.md); behaviour follows framework/wazuh/core/cluster/dapi/dapi.py,
// common.py (WazuhJSONEncoder, as_wazuh_object), results.py, exception.py and
// rbac/decorators.py.
//
// # Types
//
//   - Request: a decoded request (DAPI §2.1) — the Function to run, its keyword arguments in
//     their order (messages.Object), the request type, the flags, the caller's Permissions,
//     the cluster's nodes as the API saw them. Request.Encode is DistributedAPI.to_dict() as
//     json.dumps writes it: the text a node forwards, byte for byte what Wazuh would send.
//   - Function: an exposed framework function (module, qualified name). LookupFunction and
//     ExposedFunctions read the registry built from the 4.14.7 sources: the 133 functions with
//     __wazuh_exposed__, every module and the names it defines. Nothing else is ever resolved.
//   - Result: what a request ends with — *WazuhResult, *AffectedItems (failed items grouped by
//     exception, as Wazuh does), Exception (a Wazuh exception as a value) or Raw (an answer
//     already encoded, passed on untouched). EncodeResult is json.dumps(result,
//     cls=WazuhJSONEncoder); DecodeResult reads a node's answer back.
//   - Permissions, Gate, Decision, Scope, Resolver: the caller's policies evaluated as
//     @expose_resources does for node:id, agent:id, agent:group, group:id and *:*:*.
//   - Cluster, AgentLocator, Plan, Target: Route's inputs and answer.
//   - Executor: what runs a request on this node (native functions, or the manager's Python
//     framework).
//
// # The flow of a request
//
//  1. Arrival (local socket dapi, or cluster dapi from a worker or from the master): Admit(p,
//     prefixLen). A non-nil exception is answered at once with err (3050 over
//     MaxRequestSize, 1000 with Python's text for invalid UTF-8). Otherwise the node answers
//     "ok Added request to API requests queue".
//  2. DecodeRequest(p). A *RequestError is answered with dapi_err and its Text, exactly
//     Wazuh's (DAPI §2.4 N1–N3: unexposed or unknown functions, modules outside wazuh/api,
//     malformed JSON). A worker does not decode what its own local socket receives: it sends
//     the bytes to its master unchanged (3023 at once without a master) and relays the answer.
//  3. Route(req, cluster, agents) on the queue that executes (the master's; a worker's for
//     what its master forwards). An error is answered with req.Fail(err, self). RunHere:
//     result, err := executor.Execute(ctx, plan.Request). SendToMaster: the request goes to
//     the master and the master's answer is the answer. Distribute: see below.
//  4. An error from Execute or Finish becomes the answer with req.Fail(err, self), which adds
//     dapi_errors {<node>: {"error": ..., "logfile": "WAZUH_HOME/logs/cluster.log"}} as
//     Wazuh's executor does. EncodeResult(result) is the long string the node sends before
//     dapi_res. Every request thus ends with a result, an exception value or dapi_err.
//
// # Distributing
//
// On the master, a distributed_master request gets one answer per plan.Targets, obtained
// concurrently. A Local target runs target.Request with the executor (an error becomes
// target.Request.Fail(err, self)). A Known target's target.Request.Encode() goes to that node
// as dapi under a fresh request id, and its answer comes back as Raw. A target that is not
// Known, or turns out not to be connected when sent to, is answered plan.UnknownNode(node), a
// 3022 that the merge lists as a failed item. Any other failure of a forward (3021 when the
// node does not answer within timeout_dapi_request) ends the whole request with that error,
// as in Wazuh. Then result, err := plan.Finish(answers): the | fold of the answers (Merge),
// limit/offset and sort, the routing's own failed items (nodes the caller may not read, nodes
// outside the cluster).
//
// # What an executor returns
//
// Execute(ctx, req) runs req.F with req.ExecKwargs() (agent_list "*" removed, as Wazuh does)
// under ctx's deadline (max(req.APITimeout, 10 s) unless req.WaitForComplete; 3021 on
// timeout). It returns a *WazuhResult (a function's dict: NewWazuhResult), an *AffectedItems,
// or Raw bytes already in Wazuh's encoding; or an error — a *messages.WazuhError the function
// raises (1017 when the basic daemons are down, a 4000 from a Gate, NotExecuted(req.F) for a
// function it does not run: a 3009 naming the function, answered at once), or any other error
// for an unexpected failure (answered as WazuhInternalError 1000). It must not keep req after
// returning.
//
// A native function applies its @expose_resources decorators with req.RBAC.Apply(gate,
// req.ExecKwargs(), req.Broadcasting, Scope{Nodes: req.Nodes, Resolver: store}): the
// Decision says which values to run on; a 4000 error refuses the call; Decision.AddDeniedTo
// adds the refused values as failed items, as the decorator's list_handler does. The gates
// are the function's decorators in the Wazuh sources, e.g. get_nodes_info's
// Gate{Actions: []string{"cluster:read"}, Resource: "node:id:{filter_node}"} and
// get_status_json's Gate{Actions: []string{"cluster:status"}, Resource: "*:*:*"}; Wazuh's
// f'node:id:{node_id}' is the static "node:id:" + this node's name.
//
// # Bounds
//
// A request is at most MaxRequestSize bytes (32 MiB: the API's largest upload, escaped, with
// its policies) and JSON nests at most 1000 levels (Python's recursion limit). Answers are
// bounded by the caller's long-string limit before DecodeResult sees them. Texts in errors
// echo what the peer sent (as Wazuh's do): clip them (messages.ClipForLog) before logging.
//
// # Where this package differs from Wazuh
//
// Constructor arguments of the wrong type are refused with WazuhInternalError 1000 (Wazuh
// accepts them and fails later); NaN and Infinity literals are refused; a lone surrogate
// escape decodes to U+FFFD; failed-item ids and exception ids are strings (Wazuh's security
// functions use integers: their answers stay Raw); sets that Python iterates in hash order
// (failed ids, the agents missing from the store) keep their insertion order; dapi_errors
// are written with their nodes sorted. A Class.name lookup of a class the registry does not
// list members for is answered "not exposed", whether or not the member exists.
package dapi
