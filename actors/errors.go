package actors

import (
	"context"
	"errors"

	"github.com/clusterd/clusterd/messages"
)

var (
	// ErrNotConnected is returned to a task that asks a handler to send while no peer is connected.
	ErrNotConnected = errors.New("not connected")
	// ErrConnectionLost fails every request still pending when a connection closes.
	ErrConnectionLost = errors.New("connection lost")
	// ErrNotReplicated answers a replication query on a node that is not master-eligible.
	ErrNotReplicated = errors.New("this node is not one of several master-eligible nodes")
	// ErrUnknownActor is returned by introspection calls that name no live actor.
	ErrUnknownActor = errors.New("no such actor")
	// ErrShuttingDown refuses work once the node has begun its shutdown.
	ErrShuttingDown = errors.New("node is shutting down")
	// ErrStopTimeout: actors of the tree did not stop within the shutdown timeout.
	ErrStopTimeout = errors.New("actors did not stop in time")
	// ErrMasterUnreachable fails a sendsync request while the worker has no master connection.
	ErrMasterUnreachable = errors.New("master unreachable")
	// ErrSendsyncTimeout fails a sendsync request whose answer did not come in time.
	ErrSendsyncTimeout = errors.New("no answer from the master in time")
	// ErrNoStore refuses store-backed requests on a node started without one.
	ErrNoStore = errors.New("no agent store on this node")

	errGroupsRefused = errors.New("agent-groups refused by the worker")
	errMasterDaemon  = errors.New("the master's daemon failed")
)

// errNoRole answers a request that needs the role subtree while none runs (the node is
// changing roles): to the asker it is a worker not connected to a master, Wazuh's 3023.
func errNoRole() *messages.WazuhError { return messages.ErrWorkerNotConnected.New() }

// stopping reports an error that only says a task was cancelled: its actor is stopping or
// restarting, which is no failure to log.
func stopping(err error) bool { return errors.Is(err, context.Canceled) }

// asWazuh reports whether err carries a Wazuh exception, and sets *target to it.
func asWazuh(err error, target **messages.WazuhError) bool { return errors.As(err, target) }

// masterDaemonError is a master's sendsyn_err: the text it carries goes to the worker's local
// client as the master wrote it (§11 step 4), not wrapped again.
type masterDaemonError struct{ text string }

func (e *masterDaemonError) Error() string { return errMasterDaemon.Error() + ": " + e.text }
func (e *masterDaemonError) Unwrap() error { return errMasterDaemon }

// errorText is what a local client reads for a failed request: a master daemon's error text
// as the master sent it, else the Wazuh exception's text.
func errorText(err error) string {
	var md *masterDaemonError
	if errors.As(err, &md) {
		return md.text
	}
	return messages.ToWazuhError(err).Error()
}
