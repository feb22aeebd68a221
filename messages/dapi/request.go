package dapi

import (
	"fmt"
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// RequestType says where a request runs (DAPI §0, §3.3).
type RequestType string

// The request types of the REST API's calls.
const (
	LocalAny          RequestType = "local_any"          // on the node whose API got the call
	LocalMaster       RequestType = "local_master"       // on the master
	DistributedMaster RequestType = "distributed_master" // on the node(s) that hold the data
)

// DefaultAPITimeout is the API's intervals.request_timeout (api.yaml, 10 s): a request's
// api_timeout is never below it, and a request without one gets it.
const DefaultAPITimeout = 10

// defaultBasicServices are the daemons a request needs running when it names none.
var defaultBasicServices = []string{"wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"}

// Request is a decoded DAPI request (DAPI §2.1): DistributedAPI's constructor arguments, with
// the defaults Wazuh gives the missing ones (cluster_control -a sends only four keys).
// Encode writes it back as DistributedAPI.to_dict() would.
type Request struct {
	F               Function        // f: an exposed framework function
	Kwargs          messages.Object // f_kwargs, in the order they came (forwarding rewrites them in place)
	Type            RequestType     // request_type
	WaitForComplete bool            // wait_for_complete: no execution timeout
	FromCluster     bool            // from_cluster: the master forwarded it here
	IsAsync         bool            // is_async: F is a coroutine
	LocalClientArg  *string         // local_client_arg: the keyword that receives a local client ("lc"), nil for None
	BasicServices   []string        // basic_services: daemons that must run first
	RBAC            Permissions     // rbac_permissions: the caller's processed policies
	CurrentUser     string          // current_user
	Broadcasting    bool            // broadcasting: run on every node
	Nodes           []string        // nodes: the cluster's nodes as the API saw them (the universe of node:id:*)
	APITimeout      int             // api_timeout as to_dict writes it: max(sent, DefaultAPITimeout) seconds

	// Constructor arguments the API never sends (to_dict leaves them out), honoured if present.
	Debug             bool // debug: Wazuh raises errors instead of returning them (a dapi_err answer)
	RemoveDeniedNodes bool // remove_denied_nodes: drop the 4000 failures of denied nodes after a merge
}

// Kwarg returns the keyword argument named key.
func (r *Request) Kwarg(key string) (any, bool) { return r.Kwargs.Get(key) }

// Clone returns a copy of r whose keyword arguments can be changed without touching r's.
func (r *Request) Clone() *Request {
	c := *r
	c.Kwargs = slices.Clone(r.Kwargs)
	c.BasicServices = slices.Clone(r.BasicServices)
	c.Nodes = slices.Clone(r.Nodes)
	return &c
}

// RequestError is a request refused before it could run. Text is what Wazuh's queue answers
// with dapi_err: str() of the exception it failed with ("Error 1000 - Function
// 'get_full_overview' from module 'wazuh.agent' is not exposed with @dapi_allower decorator",
// "Expecting value: line 1 column 7 (char 6)", "'f'").
type RequestError struct {
	Text      string
	Exception *messages.WazuhError // the Wazuh exception behind Text; nil when Python raised another error
}

func (e *RequestError) Error() string { return e.Text }

// Unwrap gives errors.Is and errors.As the Wazuh exception, when there is one.
func (e *RequestError) Unwrap() error {
	if e.Exception == nil {
		return nil
	}
	return e.Exception
}

func refuse(err error) *RequestError {
	re := &RequestError{Text: err.Error()}
	if we, ok := err.(*messages.WazuhError); ok {
		re.Exception = we
	}
	return re
}

// invalidField is this decoder's refusal of a constructor argument of the wrong type. Wazuh
// would accept it and fail later, in ways that depend on the type; the API never sends one.
func invalidField(key, want string) *RequestError {
	return refuse(cmdError(fmt.Sprintf("Invalid distributed API request: %q must be %s", key, want)))
}

// ExecKwargs are the keyword arguments the function is called with here: f_kwargs without an
// agent_list of "*" (execute_local_request deletes it, "every agent" being the function's
// default). The executor adds what it injects (a local client under LocalClientArg).
func (r *Request) ExecKwargs() messages.Object {
	if v, ok := r.Kwargs.Get("agent_list"); ok && v == "*" {
		return deleteKwarg(r.Kwargs, "agent_list")
	}
	return slices.Clone(r.Kwargs)
}
