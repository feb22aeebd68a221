package agentsim

import "errors"

var (
	// ErrNoServers is returned by New when Config.Servers is empty.
	ErrNoServers = errors.New("no servers configured")
	// ErrNoKeys is returned by New when some agents have neither a key nor an enrollment address.
	ErrNoKeys = errors.New("agents without key and no enrollment address")
	// ErrNotEnrolled is returned by Start when an agent has no key yet.
	ErrNotEnrolled = errors.New("agent not enrolled")
	// ErrAlreadyStarted is returned by Start when called twice.
	ErrAlreadyStarted = errors.New("simulation already started")
	// ErrBadEnrollReply is returned for an enrollment reply that is neither a key nor an error.
	ErrBadEnrollReply = errors.New("invalid enrollment reply")
	// ErrBadClientKeys is returned for a client.keys line that cannot be read.
	ErrBadClientKeys = errors.New("invalid client.keys line")
	// ErrNoAck is returned by a handshake whose answer to the startup message is not the ack.
	ErrNoAck = errors.New("startup not acknowledged")
	// ErrForceReconnect ends a session on "#!-force_reconnect".
	ErrForceReconnect = errors.New("manager asked to reconnect")
	// ErrTimeReconnect ends a session that received no control message for time-reconnect.
	ErrTimeReconnect = errors.New("no message from manager within time-reconnect")
)

// EnrollError is an authd refusal; Text is the reply as sent by the manager
// (e.g. "ERROR: Duplicate agent name: web01. Unable to add agent").
type EnrollError struct {
	Text string
}

func (e *EnrollError) Error() string { return e.Text }
