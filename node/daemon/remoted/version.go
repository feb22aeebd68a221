package remoted

import (
	"strconv"
	"strings"
)

// parseMajorMinor reads "v4.14.7" (the "v" and the patch are optional) as 4, 14.
func parseMajorMinor(v string) (major, minor int, ok bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return 0, 0, false
	}
	return major, minor, true
}

// versionAllowed reports whether an agent of version agent may connect to a
// manager of version manager: its major.minor must not be higher. A version
// that does not parse compares as 0.0, as Wazuh's sscanf-based comparison does.
func versionAllowed(agent, manager string, allowHigher bool) bool {
	if allowHigher {
		return true
	}
	am, an, _ := parseMajorMinor(agent)
	mm, mn, _ := parseMajorMinor(manager)
	if am != mm {
		return am < mm
	}
	return an <= mn
}
