package control

import (
	"errors"

	"github.com/clusterd/clusterd/messages"
)

// Sentinel errors of the package; they usually arrive wrapped with context, so test them with
// errors.Is. Errors that carry a Wazuh code are *messages.WazuhError values, plain-text errors
// from the node TextError values (see node_error.go).
var (
	// ErrNotRunning means nothing listens on the local socket: the file is missing or the
	// connection is refused. cluster_control prints it as "ERROR: Cluster is not running.".
	ErrNotRunning = errors.New("Cluster is not running")
	// ErrConnectionClosed means the node closed the local socket before the answer arrived.
	ErrConnectionClosed = errors.New("local socket closed before the answer arrived")
	// ErrUnexpectedReply reports a reply whose command is neither ok nor err; Wazuh's local
	// client answers such replies with "Unkown response command received: <cmd>" (sic).
	ErrUnexpectedReply = errors.New("Unkown response command received")
	// ErrMalformedDocument reports a node answer that is not the JSON document expected.
	ErrMalformedDocument = errors.New("malformed document from the node")
	// ErrBadDate reports a health date that is neither "n/a" nor Wazuh's
	// "%Y-%m-%dT%H:%M:%S.%fZ" format.
	ErrBadDate = errors.New("bad date in health document")
	// ErrBadCommand refuses a command name that cannot be framed (empty or longer than 11 bytes).
	ErrBadCommand = errors.New("command name cannot be framed")
)

// Sentinels for the Wazuh errors this package raises itself. errors.Is matches any
// *messages.WazuhError with the same code, whatever its extra message.
var (
	// ErrTimeout is Wazuh 3020: no answer within the client's timeout.
	ErrTimeout error = messages.ErrRequestTimeout.With(nil)
)
