package groupfiles

import (
	"fmt"
	"strings"
)

const (
	// MaxGroupName is Wazuh's MAX_GROUP_NAME: the longest group name accepted.
	MaxGroupName = 255
	// MaxMultigroupLength bounds a whole comma-separated list (OS_SIZE_65536 - 1).
	MaxMultigroupLength = 65535
	// MaxGroupsPerMultigroup is MAX_GROUPS_PER_MULTIGROUP.
	MaxGroupsPerMultigroup = 128
	// MultigroupSeparator separates the groups of a multigroup.
	MultigroupSeparator = ","

	// groupSyntaxChars is the character set of w_validate_group_name (':' and the others are
	// accepted there even though its message lists ':' as prohibited); ',' only in lists.
	groupSyntaxChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:;_-=+!@()"
)

// GroupNameError is a refused group name or list. Its text is exactly what Wazuh writes after
// "ERROR: " in its enrollment reply, e.g. "Invalid group name: web,,db... consecutive ',' are
// not allowed".
type GroupNameError struct{ Text string }

func (e *GroupNameError) Error() string { return e.Text }

// Unwrap makes every GroupNameError match ErrInvalidGroupName.
func (e *GroupNameError) Unwrap() error { return ErrInvalidGroupName }

func groupNameError(format string, args ...any) error {
	return &GroupNameError{Text: fmt.Sprintf(format, args...)}
}

// clip is C's "%.255s": at most 255 bytes of s.
func clip(s string) string {
	if len(s) > MaxGroupName {
		return s[:MaxGroupName]
	}
	return s
}

// ValidateGroupName applies the master's checks to one group name (authd's
// w_auth_validate_groups, plus the MAX_GROUP_NAME limit of the syntax check): not empty, at most
// 255 bytes, only [A-Za-z0-9_.-], and not "." or "..". The existence of the group folder is the
// caller's business.
func ValidateGroupName(name string) error {
	switch {
	case name == "":
		return groupNameError("Invalid group name: Empty Group")
	case len(name) > MaxGroupName:
		return groupNameError("Invalid group name: %s... group is too large", clip(name))
	case name == "." || name == "..":
		return groupNameError("Invalid group name: %s", name)
	}
	for i := 0; i < len(name); i++ {
		if !isGroupNameByte(name[i]) {
			return groupNameError("Invalid group name: %s", name)
		}
	}
	return nil
}

func isGroupNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// ValidateGroupList applies Wazuh's syntax check of an enrollment G:'...' field
// (w_validate_group_name), in Wazuh's order, then removes duplicates keeping the first
// occurrence ("web,default,web" → web, default). It does not apply ValidateGroupName to the
// members nor the 128-group limit: the master does that afterwards.
func ValidateGroupList(csv string) ([]string, error) {
	if err := checkGroupListSyntax(csv); err != nil {
		return nil, err
	}
	parts := strings.Split(csv, MultigroupSeparator)
	seen := make(map[string]bool, len(parts))
	groups := make([]string, 0, len(parts))
	for _, g := range parts {
		if !seen[g] {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	return groups, nil
}

func checkGroupListSyntax(group string) error {
	if group == "" {
		return groupNameError("Invalid group name: Empty Group")
	}
	multigroup := strings.Contains(group, MultigroupSeparator)
	if !multigroup && len(group) > MaxGroupName {
		return groupNameError("Invalid group name: %s... group is too large", clip(group))
	}
	if multigroup && len(group) > MaxMultigroupLength {
		return groupNameError("Invalid group name: %s... multigroup is too large", clip(group))
	}
	allowed := groupSyntaxChars
	if multigroup {
		allowed += MultigroupSeparator
		for _, g := range strings.Split(group, MultigroupSeparator) {
			if g == "" {
				continue // strtok skips empty pieces; the ",," check below catches them
			}
			if strings.Contains(g, " ") {
				return groupNameError("Invalid group name: %s... white spaces are not allowed", clip(group))
			}
			if len(g) > MaxGroupName {
				return groupNameError("Invalid group name: %s... group is too large", clip(g))
			}
		}
		if strings.Contains(group, ",,") {
			return groupNameError("Invalid group name: %s... consecutive ',' are not allowed", clip(group))
		}
	}
	if strings.Count(group, MultigroupSeparator) == len(group) {
		return groupNameError(`Invalid group name: %s... characters '\/:*?"<>|,' are prohibited`, clip(group))
	}
	if group[0] == ',' || group[len(group)-1] == ',' {
		return groupNameError("Invalid group name: %s... cannot start or end with ','", clip(group))
	}
	for i := 0; i < len(group); i++ {
		if strings.IndexByte(allowed, group[i]) < 0 {
			return groupNameError(`Invalid group name: %s... characters '\/:*?"<>|,' are prohibited`, clip(group))
		}
	}
	return nil
}
