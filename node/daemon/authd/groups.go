package authd

import (
	"os"
	"path/filepath"
	"strings"
)

const (
	// maxGroupNameLen is Wazuh's MAX_GROUP_NAME.
	maxGroupNameLen = 255
	// maxGroupsPerMultigroup is Wazuh's MAX_GROUPS_PER_MULTIGROUP.
	maxGroupsPerMultigroup = 128
	// maxMultigroupLen is the longest multigroup string w_validate_group_name accepts.
	maxMultigroupLen = 65535
	// groupSyntaxChars is the character set of w_validate_group_name (',' only in multigroups).
	groupSyntaxChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:;_-=+!@(),"
)

// truncate255 mimics printf's "%.255s".
func truncate255(s string) string {
	if len(s) > 255 {
		return s[:255]
	}
	return s
}

// validateGroupSyntax is Wazuh's w_validate_group_name, run on the node that received the
// request; the returned text is the TLS error before ". Unable to add agent".
func validateGroupSyntax(group string) (errText string, ok bool) {
	if group == "" {
		return "ERROR: Invalid group name: Empty Group", false
	}
	multigroup := strings.IndexByte(group, ',') >= 0
	if !multigroup && len(group) > maxGroupNameLen {
		return "ERROR: Invalid group name: " + truncate255(group) + "... group is too large", false
	}
	if multigroup && len(group) > maxMultigroupLen {
		return "ERROR: Invalid group name: " + truncate255(group) + "... multigroup is too large", false
	}
	allowed := groupSyntaxChars
	if multigroup {
		for _, piece := range strtok(group, ',') {
			if strings.IndexByte(piece, ' ') >= 0 {
				return "ERROR: Invalid group name: " + truncate255(group) + "... white spaces are not allowed", false
			}
			if len(piece) > maxGroupNameLen {
				return "ERROR: Invalid group name: " + truncate255(piece) + "... group is too large", false
			}
		}
		if strings.Contains(group, ",,") {
			return "ERROR: Invalid group name: " + truncate255(group) + "... consecutive ',' are not allowed", false
		}
	} else {
		allowed = groupSyntaxChars[:len(groupSyntaxChars)-1]
	}
	prohibited := "ERROR: Invalid group name: " + truncate255(group) + "... characters '\\/:*?\"<>|,' are prohibited"
	if strings.Count(group, ",") == len(group) {
		return prohibited, false
	}
	if group[0] == ',' || group[len(group)-1] == ',' {
		return "ERROR: Invalid group name: " + truncate255(group) + "... cannot start or end with ','", false
	}
	for i := 0; i < len(group); i++ {
		if strings.IndexByte(allowed, group[i]) < 0 {
			return prohibited, false
		}
	}
	return "", true
}

// strtok splits s like C's strtok: empty pieces are skipped.
func strtok(s string, sep byte) []string {
	var out []string
	for _, p := range strings.Split(s, string(sep)) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dedupGroups is Wazuh's wstr_delete_repeated_groups: split into at most 128 pieces (the last
// keeps the rest unsplit, so a long repeated list can survive partly duplicated), keep the first
// occurrence of each piece, join with ','.
func dedupGroups(groups string) string {
	pieces := strings.SplitN(groups, ",", maxGroupsPerMultigroup)
	kept := make([]string, 0, len(pieces))
	seen := make(map[string]struct{}, len(pieces))
	for _, p := range pieces {
		if _, dup := seen[p]; dup {
			continue
		}
		seen[p] = struct{}{}
		kept = append(kept, p)
	}
	return strings.Join(kept, ",")
}

// groupList turns a multigroup string into the distinct non-empty group names, in order; this
// is what the store records.
func groupList(groups string) []string {
	var out []string
	seen := map[string]struct{}{}
	for _, g := range strtok(groups, ',') {
		if _, dup := seen[g]; dup {
			continue
		}
		seen[g] = struct{}{}
		out = append(out, g)
	}
	return out
}

func isASCIIAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// validMasterGroupName is the master's per-group name rule: ^[A-Za-z0-9_.-]+$, not "." or "..".
func validMasterGroupName(g string) bool {
	if g == "" || g == "." || g == ".." {
		return false
	}
	for i := 0; i < len(g); i++ {
		c := g[i]
		if !isASCIIAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// validateGroupsOnMaster is Wazuh's w_auth_validate_groups: each group (strtok on ',') counts
// toward the 128 limit, must be a valid name and must exist as a folder under sharedDir.
func validateGroupsOnMaster(groups, sharedDir string) (errText string, ok bool) {
	count := 0
	for _, g := range strtok(groups, ',') {
		count++
		if count > maxGroupsPerMultigroup {
			return "ERROR: Maximum multigroup reached: Limit is 128", false
		}
		if !validMasterGroupName(g) {
			return "ERROR: Invalid group name: " + g, false
		}
		if !groupFolderExists(sharedDir, g) {
			return "ERROR: Invalid group: " + g, false
		}
	}
	return "", true
}

func groupFolderExists(sharedDir, group string) bool {
	if sharedDir == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(sharedDir, group))
	return err == nil && fi.IsDir()
}
