package wire

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
)

// Counter numbers the requests one side sends (§1.2): it starts at a cryptographically random
// value, as Wazuh's Handler does, and is incremented modulo 2^32 before each request. Responses
// reuse the request's counter and never draw from it.
type Counter struct {
	last atomic.Uint32
}

// NewCounter returns a counter with a random starting point.
func NewCounter() *Counter {
	var seed [4]byte
	// crypto/rand.Read never fails on supported platforms (it crashes the program instead).
	_, _ = rand.Read(seed[:])
	c := &Counter{}
	c.last.Store(binary.BigEndian.Uint32(seed[:]))
	return c
}

// Next returns the counter for a new request. It is safe for concurrent use; uint32 addition
// wraps, which is exactly the modulo 2^32 Wazuh applies.
func (c *Counter) Next() uint32 {
	return c.last.Add(1)
}
