package agentproto

import "errors"

// Sentinel errors. Texts carry Wazuh's message numbers where Wazuh has one.
var (
	// ErrFrameTooBig: a TCP frame announced more than MaxMessage bytes.
	ErrFrameTooBig = errors.New("too big message size")
	// ErrWrongKey: the payload did not decrypt to a valid padded zlib block.
	ErrWrongKey = errors.New("(1404): Authentication error. Wrong key or corrupt payload")
	// ErrChecksum: the MD5 inside the message does not match its content.
	ErrChecksum = errors.New("(1406): Checksum mismatch on message")
	// ErrFormat: the inner header (random, counters) is malformed.
	ErrFormat = errors.New("(1403): Incorrectly formatted message")
	// ErrUnknownMethod: the payload starts with neither "#AES:" nor ":".
	ErrUnknownMethod = errors.New("unknown encryption method prefix")
	// ErrEmptyMessage: Seal was asked to send an empty message.
	ErrEmptyMessage = errors.New("empty message")
	// ErrMessageTooBig: the message does not fit in one secure payload.
	ErrMessageTooBig = errors.New("message too big for a secure payload")
	// ErrNoNewline: a keepalive without any '\n' ("Invalid message from agent").
	ErrNoNewline = errors.New("invalid message from agent: no newline")
	// ErrBadEvent: an event message is not "<q>:<location>:<log>".
	ErrBadEvent = errors.New("malformed event message")
	// ErrNotStartup: the message is not an agent startup message.
	ErrNotStartup = errors.New("not an agent startup message")
	// ErrNoVersion: a startup message carries JSON without a string
	// "version" (remoted answers NoVersionText).
	ErrNoVersion = errors.New("couldn't retrieve version")
	// ErrBadCounter: a rids/sender_counter file is not "G:L:".
	ErrBadCounter = errors.New("malformed counter file")
	// ErrBadKey: a client.keys entry lacks the id or the raw key.
	ErrBadKey = errors.New("invalid agent key")
)
