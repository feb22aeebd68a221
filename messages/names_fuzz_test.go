package messages

import (
	"regexp"
	"strings"
	"testing"
)

var (
	// Wazuh's rules written as patterns: OS_IsValidName, and the master's node-name fullmatch.
	agentNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{2,128}$`)
	nodeNamePattern  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// FuzzNames checks the agent- and node-name validators against Wazuh's rules written as
// regular expressions, and that nothing a peer sends makes ClipForLog show more than its bound.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"agent01", ".hidden", "../../etc", "x", "a\nb", "worker1", "bad.name", "ñandú",
		strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("n", 255), strings.Repeat("n", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		wantAgent := agentNamePattern.MatchString(s) && s[0] != '.'
		if got := ValidAgentName(s); got != wantAgent {
			t.Fatalf("ValidAgentName(%q) = %v, want %v", s, got, wantAgent)
		}
		wantNode := nodeNamePattern.MatchString(s) && len(s) <= MaxNodeNameLen
		if got := ValidNodeName(s); got != wantNode {
			t.Fatalf("ValidNodeName(%q) = %v, want %v", s, got, wantNode)
		}
		clipped := ClipForLog(s)
		if len(clipped) > MaxLoggedPeerText+len("…( more bytes)")+20 || strings.ContainsAny(clipped, "\n\r\x00") {
			t.Fatalf("ClipForLog(%d bytes) = %d bytes %q", len(s), len(clipped), clipped)
		}
	})
}
