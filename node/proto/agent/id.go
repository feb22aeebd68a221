package agentproto

import "strings"

// SplitID splits "!001!#AES:..." into "001" and "#AES:..."; ok=false when
// there is no well-formed prefix (a '!', one or more decimal digits, a '!'),
// in which case rest is payload unchanged.
func SplitID(payload []byte) (id string, rest []byte, ok bool) {
	if len(payload) < 3 || payload[0] != '!' {
		return "", payload, false
	}
	i := 1
	for i < len(payload) && payload[i] >= '0' && payload[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(payload) || payload[i] != '!' {
		return "", payload, false
	}
	return string(payload[1:i]), payload[i+1:], true
}

// AppendID appends "!<id>!" to dst; agents whose client.keys IP is not a
// single IPv4 host prefix their payloads with it (see NeedsIDPrefix).
func AppendID(dst []byte, id string) []byte {
	dst = append(dst, '!')
	dst = append(dst, id...)
	return append(dst, '!')
}

// NeedsIDPrefix reports whether an agent registered with ip must prefix its
// payloads with "!<id>!": true for "any", a CIDR or an IPv6 value, because
// the manager cannot then find the agent by its source address.
func NeedsIDPrefix(ip string) bool {
	return strings.EqualFold(ip, "any") || strings.ContainsAny(ip, "/:")
}
