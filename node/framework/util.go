package framework

import (
	"sort"
	"strings"

	"github.com/clusterd/clusterd/messages"
)

// sortStrings is Python's sorted() of strings (by code point, which is UTF-8 byte order).
func sortStrings(s []string) { sort.Strings(s) }

// sortMembers orders an object's members by key.
func sortMembers(o messages.Object) {
	sort.SliceStable(o, func(i, j int) bool { return o[i].Key < o[j].Key })
}

// containsString reports whether list holds s.
func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// dedupeStrings keeps the first occurrence of each string, as a Python dict built from a
// list does (and as clusterd orders what Wazuh puts in a set).
func dedupeStrings(list []string) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// joinComma is ', '.join(list).
func joinComma(list []string) string { return strings.Join(list, ", ") }
