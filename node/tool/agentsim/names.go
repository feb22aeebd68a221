package agentsim

import (
	"net"
	"strings"
)

// validName is Wazuh's OS_IsValidName, which the agent applies to the name and key
// of its enrollment reply: 2–128 characters of [A-Za-z0-9._-], not starting with '.'.
func validName(s string) bool {
	if len(s) < 2 || len(s) > 128 || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// validAgentID accepts 1–8 decimal digits, the ids an agent takes from a reply.
func validAgentID(s string) bool {
	if len(s) == 0 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validKeyIP accepts the IP column of a key: "any", an address or a network.
func validKeyIP(s string) bool {
	if s == "any" {
		return true
	}
	if strings.Contains(s, "/") {
		_, _, err := net.ParseCIDR(s)
		return err == nil
	}
	return net.ParseIP(s) != nil
}
