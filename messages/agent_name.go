package messages

import "errors"

// Bounds of an agent name (Wazuh's OS_IsValidName).
const (
	MinAgentNameLen = 2
	MaxAgentNameLen = 128
)

// Why CheckAgentName refused a name; each matches ErrInvalidAgentName.
var (
	ErrInvalidAgentName   = errors.New("invalid agent name")
	ErrAgentNameLength    = agentNameError("must be 2 to 128 characters long")
	ErrAgentNameCharacter = agentNameError("may only hold the characters A-Z a-z 0-9 . _ -")
	// ErrAgentNameLeadingDot is the rule Wazuh added in 4.14.6; agents named so by an older
	// manager are still in their client.keys.
	ErrAgentNameLeadingDot = agentNameError("must not start with '.'")
)

type agentNameError string

func (e agentNameError) Error() string { return "invalid agent name: " + string(e) }
func (e agentNameError) Unwrap() error { return ErrInvalidAgentName }

// CheckAgentName applies Wazuh 4.14.7's OS_IsValidName, the rule authd applies to every agent
// name it is asked to register: 2 to 128 bytes of [A-Za-z0-9._-], the first not a '.'. It is the
// one agent-name check of the project, for every way a name arrives (enrollment port, the
// master's authd API through sendsync, agent-info and agent-groups from workers, client.keys).
func CheckAgentName(name string) error {
	if len(name) < MinAgentNameLen || len(name) > MaxAgentNameLen {
		return ErrAgentNameLength
	}
	// Wazuh tests the leading dot before the characters; the verdict is the same, but telling a
	// bad character first keeps "../x" from passing for a mere leading-dot name.
	for i := 0; i < len(name); i++ {
		if !isAgentNameByte(name[i]) {
			return ErrAgentNameCharacter
		}
	}
	if name[0] == '.' {
		return ErrAgentNameLeadingDot
	}
	return nil
}

// ValidAgentName reports whether CheckAgentName accepts name.
func ValidAgentName(name string) bool { return CheckAgentName(name) == nil }

func isAgentNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}
