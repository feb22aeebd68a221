package remoted

import (
	"net/netip"
	"strings"
)

// ipMatcher is a registered client.keys IP: "any", a network or one address.
type ipMatcher struct {
	any    bool
	prefix netip.Prefix
	valid  bool
}

func newIPMatcher(registered string) ipMatcher {
	if strings.EqualFold(registered, "any") {
		return ipMatcher{any: true, valid: true}
	}
	if p, err := netip.ParsePrefix(registered); err == nil {
		return ipMatcher{prefix: p.Masked(), valid: true}
	}
	if a, err := netip.ParseAddr(registered); err == nil {
		return ipMatcher{prefix: netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), valid: true}
	}
	return ipMatcher{}
}

// contains reports whether src may speak for the agent ("any" matches every
// source, even one that is not an IP address).
func (m ipMatcher) contains(src netip.Addr) bool {
	if m.any {
		return true
	}
	if !m.valid || !src.IsValid() {
		return false
	}
	return m.prefix.Contains(src.Unmap())
}

func netipUnmap(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
