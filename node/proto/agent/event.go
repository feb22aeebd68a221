package agentproto

import (
	"bytes"
	"fmt"
	"strings"
)

// Event is an event message "<q>:<location>:<log>". Location is kept as
// sent, i.e. with Wazuh's '|' escapes of ':' and '|' (a Windows path arrives
// as "C|:\…").
type Event struct {
	Queue    byte
	Location string
	Log      string
}

// ParseEvent parses an event message. The location ends at the first ':'
// not escaped by '|'. Like remoted, it reads the message as a C string (up
// to a NUL). Errors wrap ErrBadEvent.
func ParseEvent(msg []byte) (Event, error) {
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) < 2 || msg[1] != ':' {
		return Event{}, fmt.Errorf("no queue prefix: %w", ErrBadEvent)
	}
	rest := msg[2:]
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '|':
			i++ // the escaped character
		case ':':
			return Event{Queue: msg[0], Location: string(rest[:i]), Log: string(rest[i+1:])}, nil
		}
	}
	return Event{}, fmt.Errorf("no location separator: %w", ErrBadEvent)
}

// ForAnalysis renders the event as remoted forwards it to analysisd:
// "<q>:[<id>] (<name>) <ip>-><location>:<log>", with ':' and '|' inside the
// bracketed source escaped by '|' (an IPv6 address arrives as "fe80|:|:1").
func (e Event) ForAnalysis(id, name, ip string) string {
	var b strings.Builder
	b.Grow(len(id) + len(name) + len(ip) + len(e.Location) + len(e.Log) + 16)
	b.WriteByte(e.Queue)
	b.WriteByte(':')
	b.WriteByte('[')
	writeEscaped(&b, id)
	b.WriteString("] (")
	writeEscaped(&b, name)
	b.WriteString(") ")
	writeEscaped(&b, ip)
	b.WriteString("->")
	b.WriteString(e.Location)
	b.WriteByte(':')
	b.WriteString(e.Log)
	return b.String()
}

// writeEscaped writes s with ':' and '|' prefixed by '|', Wazuh's escape
// for the source part of an analysis message.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ':' || c == '|' {
			b.WriteByte('|')
		}
		b.WriteByte(s[i])
	}
}
