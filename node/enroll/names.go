package enroll

// maxAgentNameLen and minAgentNameLen bound OS_IsValidName.
const (
	minAgentNameLen = 2
	maxAgentNameLen = 128
)

// ValidAgentName reports whether name passes Wazuh's OS_IsValidName: 2–128 characters of
// [A-Za-z0-9._-], not starting with '.'.
func ValidAgentName(name string) bool {
	if len(name) < minAgentNameLen || len(name) > maxAgentNameLen || name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isAgentNameByte(name[i]) {
			return false
		}
	}
	return true
}

func isAgentNameByte(c byte) bool {
	return isASCIIAlnum(c) || c == '-' || c == '_' || c == '.'
}

func isASCIIAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
