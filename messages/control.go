package messages

import "bytes"

// ControlResult is the payload of `control_res`, the request a worker's local server sends a
// waiting local client with the master's answer to get_nodes/get_health (§9.4): the master's
// JSON, or an error text the client recognises by its "Error" prefix.
type ControlResult struct {
	Payload []byte
}

// IsError reports whether the payload is an error text, as the Python local client decides.
func (c ControlResult) IsError() bool {
	return bytes.HasPrefix(c.Payload, []byte("Error"))
}
