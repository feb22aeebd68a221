package actors

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// SendRequest asks the handler that owns a connection to send a request to its peer. The
// answer comes back as a *Response to the sender of SendRequest (or on Reply when it is set,
// for goroutines that are not actors). Tag is returned untouched so the asker can tell its
// requests apart.
type SendRequest struct {
	Command string
	Payload []byte
	Tag     any
	Reply   chan<- *Response
	// ReplyTo receives the Response instead of the sender (an actor asking on its own behalf
	// while handling a message that has no sender).
	ReplyTo *actor.PID
	// Ack asks for a *RequestSent as soon as the request is on its way, before the answer.
	Ack bool
	// Conn, when set, is the connection the request was meant for. A handler's name outlives
	// its connection (the next connection of the same worker gets a handler under the same
	// path, hence the same PID), so a goroutine started for one connection could otherwise
	// talk on the next; the handler answers such a request with ErrConnectionLost.
	Conn *link
}

// RequestSent tells the asker of an acknowledged SendRequest that it was queued to the peer.
type RequestSent struct{ Tag any }

// Response is the peer's answer to a SendRequest, or the reason there is none (timeout 3020,
// not connected 3023, connection lost). Err is set for an "err" answer too, decoded as Wazuh
// does (messages.ResponseError).
type Response struct {
	Tag   any
	Frame messages.Frame
	Err   error
}

// inboundFrame is a complete message read by a connection's reader goroutine.
type inboundFrame struct {
	link  *link
	frame messages.Frame
}

// linkClosed tells the owner of a connection that it ended, and why.
type linkClosed struct {
	link *link
	err  error
}

// Disconnect asks a handler to close its connection (keepalive failures, a peer reported dead).
type Disconnect struct{ Reason string }
