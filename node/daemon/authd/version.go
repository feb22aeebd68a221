package authd

import "strings"

// versionTooNew reports whether agentVersion's major.minor is above managerVersion's, with
// Wazuh's compare_wazuh_versions parsing: only the first 9 characters count, everything up to
// the first 'v' is skipped, '.'-separated fields (empty ones skipped) are read with atoi.
func versionTooNew(managerVersion, agentVersion string) bool {
	mMajor, mMinor := majorMinor(managerVersion)
	aMajor, aMinor := majorMinor(agentVersion)
	if aMajor != mMajor {
		return aMajor > mMajor
	}
	return aMinor > mMinor
}

func majorMinor(v string) (major, minor int) {
	if len(v) > 9 {
		v = v[:9]
	}
	if i := strings.IndexByte(v, 'v'); i >= 0 {
		v = v[i+1:]
	}
	fields := strtok(v, '.')
	if len(fields) > 0 {
		major = atoi(fields[0])
	}
	if len(fields) > 1 {
		minor = atoi(fields[1])
	}
	return major, minor
}

// atoi mimics C's atoi on short inputs: leading white space, an optional sign, then digits.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	n := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}
