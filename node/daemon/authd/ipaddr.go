package authd

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ipFieldSize is Wazuh's IPSIZE (INET6_ADDRSTRLEN): the widest IP field the parser reads.
const ipFieldSize = 46

// NormalizeIP validates an agent address the way Wazuh's OS_IsValidIP does and returns the form
// stored in client.keys: "any"; IPv4 with an optional /cidr or /netmask as given (a leading '!'
// and an IPv4-mapped "::ffff:" prefix dropped); IPv6 expanded to eight upper-case groups with the
// prefix kept ("2001:db8::5" → "2001:0DB8:0000:0000:0000:0000:0000:0005").
func NormalizeIP(s string) (string, bool) {
	s = strings.TrimPrefix(s, "!")
	if len(s) > ipFieldSize {
		s = s[:ipFieldSize]
	}
	if s == "any" {
		return s, true
	}
	if v4, ok := parseIPv4WithMask(s); ok {
		return v4, true
	}
	return expandIPv6WithPrefix(s)
}

// parseIPv4WithMask accepts [::ffff:]a.b.c.d[/cidr|/netmask] with Wazuh's octet rules (no leading
// zeros) and returns it without the mapped prefix.
func parseIPv4WithMask(s string) (string, bool) {
	if len(s) > 7 && s[:2] == "::" && strings.EqualFold(s[2:6], "ffff") && s[6] == ':' {
		s = s[7:]
	}
	addr, mask, hasMask := strings.Cut(s, "/")
	if !isStrictIPv4(addr) {
		return "", false
	}
	if hasMask && !isIPv4CIDR(mask) && !isStrictIPv4(mask) {
		return "", false
	}
	return s, true
}

func isStrictIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if !isDecimalUpTo(p, 255) {
			return false
		}
	}
	return true
}

func isIPv4CIDR(s string) bool { return isDecimalUpTo(s, 32) }

// isDecimalUpTo accepts 1–3 decimal digits without a leading zero, at most max.
func isDecimalUpTo(s string, max int) bool {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= max
}

// expandIPv6WithPrefix accepts the textual IPv6 forms of Wazuh's address regexes (hex groups
// only: no embedded IPv4, no zone) with an optional /0–128 prefix.
func expandIPv6WithPrefix(s string) (string, bool) {
	addr, prefix, hasPrefix := strings.Cut(s, "/")
	if !isIPv6Groups(addr) || (hasPrefix && addr == "::") {
		return "", false
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() {
		return "", false
	}
	out := expandIPv6(ip.As16())
	if hasPrefix {
		if prefix == "" || len(prefix) > 3 {
			return "", false
		}
		n, err := strconv.Atoi(prefix)
		if err != nil || n < 0 || n > 128 || prefix[0] == '+' || prefix[0] == '-' {
			return "", false
		}
		out += "/" + strconv.Itoa(n)
	}
	return out, true
}

// isIPv6Groups checks the shape: 8 groups of 1–4 hex digits, or one "::" with at most 7 groups.
func isIPv6Groups(s string) bool {
	if s == "::" {
		return true
	}
	switch strings.Count(s, "::") {
	case 0:
		return hexGroups(s) == 8
	case 1:
		left, right, _ := strings.Cut(s, "::")
		nl, nr := 0, 0
		if left != "" {
			if nl = hexGroups(left); nl < 0 {
				return false
			}
		}
		if right != "" {
			if nr = hexGroups(right); nr < 0 {
				return false
			}
		}
		return nl+nr >= 1 && nl+nr <= 7
	default:
		return false
	}
}

// hexGroups counts ':'-separated groups of 1–4 hex digits, or returns -1.
func hexGroups(s string) int {
	parts := strings.Split(s, ":")
	for _, p := range parts {
		if p == "" || len(p) > 4 {
			return -1
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') {
				return -1
			}
		}
	}
	return len(parts)
}

func expandIPv6(b [16]byte) string {
	var sb strings.Builder
	sb.Grow(39)
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X%02X", b[i], b[i+1])
	}
	return sb.String()
}

// sourceIPString renders a peer address as authd does: dotted IPv4 (IPv4-mapped IPv6 included),
// otherwise the expanded upper-case IPv6 form; an unknown peer is "any".
func sourceIPString(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	if v6 := ip.To16(); v6 != nil {
		return expandIPv6([16]byte(v6))
	}
	return "any"
}
