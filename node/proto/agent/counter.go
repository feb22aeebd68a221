package agentproto

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
)

// maxLocal is the last local counter value before the global one advances.
const maxLocal = 9997

// Counter is a sender's counter pair (local 1…9997 then global+1), safe for
// concurrent use.
type Counter struct {
	mu            sync.Mutex
	global, local uint32
}

// NewCounter starts a counter at the given last used values (as read from
// the sender's counter file).
func NewCounter(global, local uint32) *Counter {
	return &Counter{global: global, local: local}
}

// Next advances the counter and returns the values for the next message:
// local ≥ 9997 restarts at 1 with global+1, as Wazuh's senders do.
func (c *Counter) Next() (global, local uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.local >= maxLocal {
		c.local = 0
		c.global++
	}
	c.local++
	return c.global, c.local
}

// Values returns the last values handed out (what is persisted).
func (c *Counter) Values() (global, local uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.global, c.local
}

// ParseCounterFile parses a queue/rids file: "G:L:" (trailing whitespace and
// anything after the second ':' are ignored).
func ParseCounterFile(b []byte) (global, local uint32, err error) {
	g, rest, ok := bytes.Cut(bytes.TrimSpace(b), []byte(":"))
	if !ok {
		return 0, 0, fmt.Errorf("counter file %q: %w", truncate(b, 32), ErrBadCounter)
	}
	l, _, ok := bytes.Cut(rest, []byte(":"))
	if !ok {
		return 0, 0, fmt.Errorf("counter file %q: %w", truncate(b, 32), ErrBadCounter)
	}
	gv, err := strconv.ParseUint(string(g), 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("counter file global %q: %w", truncate(g, 32), ErrBadCounter)
	}
	lv, err := strconv.ParseUint(string(l), 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("counter file local %q: %w", truncate(l, 32), ErrBadCounter)
	}
	return uint32(gv), uint32(lv), nil
}

// FormatCounterFile renders a queue/rids file: "G:L:".
func FormatCounterFile(global, local uint32) []byte {
	b := strconv.AppendUint(nil, uint64(global), 10)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(local), 10)
	return append(b, ':')
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
