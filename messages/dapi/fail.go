package dapi

import (
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// LogFile is where dapi_errors sends the reader of an internal error: clusterd logs where
// wazuh-clusterd does.
const LogFile = "WAZUH_HOME/logs/cluster.log"

// genericErrorMessage is the dapi_errors text of an error that is not a Wazuh exception.
const genericErrorMessage = "Wazuh Internal Error. See log for more detail"

// unknownNode is the node dapi_errors names when the caller may not read this node's identity.
const unknownNode = "unknown-node"

// Fail turns err, met while handling r on the node named self, into the exception Wazuh's
// executor answers with (distribute_function, execute_local_request): a Wazuh exception is kept,
// with dapi_errors {<node>: {"error": <its message>}} and, for the WazuhInternalError family,
// "logfile": LogFile; the base WazuhException and any other error become WazuhInternalError
// 1000 "Wazuh Internal Error", whose dapi_errors say the exception's message, or "Wazuh
// Internal Error. See log for more detail". <node> is self, or "unknown-node" when the caller
// may not cluster:read this node (Wazuh asks get_node_wrapper under the caller's policies). The
// exception given is not changed.
func (r *Request) Fail(err error, self string) Exception {
	node := r.errorNode(self)
	var we *messages.WazuhError
	if !errors.As(err, &we) {
		return Exception{Err: withDapiErrors(messages.ErrInternal.New(), node, genericErrorMessage, false)}
	}
	switch {
	case internalClass(we.Class):
		c := *we
		return Exception{Err: withDapiErrors(&c, node, we.Message(), true)}
	case we.Class == messages.ClassWazuhException:
		return Exception{Err: withDapiErrors(messages.ErrInternal.New(), node, we.Message(), false)}
	}
	c := *we
	return Exception{Err: withDapiErrors(&c, node, we.Message(), false)}
}

func withDapiErrors(e *messages.WazuhError, node, message string, logfile bool) *messages.WazuhError {
	info := messages.Object{{Key: "error", Value: message}}
	if logfile {
		info = append(info, messages.Member{Key: "logfile", Value: LogFile})
	}
	e.DapiErrors = map[string]any{node: info}
	return e
}

// internalClass reports the WazuhInternalError family, whose dapi_errors name a log file.
func internalClass(class string) bool {
	switch class {
	case messages.ClassWazuhInternalError, messages.ClassWazuhClusterError,
		messages.ClassWazuhHAPHelperError, messages.ClassWazuhEngineError:
		return true
	}
	return false
}

// errorNode is get_error_info's node: get_node_wrapper's answer under the caller's policies
// (cluster:read on node:id:<self>), "unknown-node" when refused.
func (r *Request) errorNode(self string) string {
	d, err := r.RBAC.Apply(Gate{Actions: []string{"cluster:read"}, Resource: "node:id:" + self}, nil, r.Broadcasting, Scope{Nodes: r.Nodes})
	if err != nil || d.Skip {
		return unknownNode
	}
	return self
}

// NotExecuted is the answer to a request for a function this node does not run: a Wazuh
// exception naming it, returned at once so that the API fails fast instead of waiting out
// its timeout.
func NotExecuted(f Function) *messages.WazuhError {
	return messages.ErrDistributedAPI.With(f.String() + " is not executed by this node")
}
