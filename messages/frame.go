// Package messages holds the plain values that travel between the wire adapter and the actors:
// one complete protocol message (Frame), one type per protocol command, and the payload codecs
// (Wazuh exception JSON, node and health documents).
package messages

// Frame is one complete protocol message: divided parts already reassembled and the payload
// already decrypted. Counter correlates a response with its request (Wazuh reuses the request's
// counter verbatim); Command is the parsed command name without padding.
type Frame struct {
	Counter uint32
	// Link is set on a received frame whose payload was sealed with the link cipher between
	// clusterd nodes (authenticated, in order, never replayed); the writer ignores it.
	Link    bool
	Command string
	Payload []byte
}
