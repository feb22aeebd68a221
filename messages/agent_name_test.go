package messages

import (
	"errors"
	"strings"
	"testing"
)

// The cases of Wazuh's own OS_IsValidName tests (src/unit_tests/addagent/test_validate.c).
func TestCheckAgentNameAsWazuh(t *testing.T) {
	valid := []string{"agent01", "MyAgent", "test-agent", "test_agent", "agent.local", "web-server-01",
		"db_server_prod", "host.domain.com", "test..name", "agent..local", "agent..", "ab", "test.",
		strings.Repeat("a", 128)}
	invalid := map[string]error{
		".hidden": ErrAgentNameLeadingDot, ".test": ErrAgentNameLeadingDot, "..": ErrAgentNameLeadingDot,
		"...": ErrAgentNameLeadingDot, ".": ErrAgentNameLength, "a": ErrAgentNameLength, "x": ErrAgentNameLength,
		"": ErrAgentNameLength, strings.Repeat("a", 129): ErrAgentNameLength,
		strings.Repeat("a", 100_000): ErrAgentNameLength,
		"test/agent":                 ErrAgentNameCharacter, `test\agent`: ErrAgentNameCharacter, "test@agent": ErrAgentNameCharacter,
		"test#agent": ErrAgentNameCharacter, "test$agent": ErrAgentNameCharacter, "test%agent": ErrAgentNameCharacter,
		"test&agent": ErrAgentNameCharacter, "test*agent": ErrAgentNameCharacter, "a b": ErrAgentNameCharacter,
		"a\nb": ErrAgentNameCharacter, "agent\x00": ErrAgentNameCharacter, "ñandú": ErrAgentNameCharacter,
		// A path is refused for its characters, not only for its leading dot.
		"../../etc": ErrAgentNameCharacter,
	}
	for _, n := range valid {
		if err := CheckAgentName(n); err != nil || !ValidAgentName(n) {
			t.Errorf("CheckAgentName(%q) = %v, want nil", n, err)
		}
	}
	for n, want := range invalid {
		err := CheckAgentName(n)
		if !errors.Is(err, want) || !errors.Is(err, ErrInvalidAgentName) || ValidAgentName(n) {
			t.Errorf("CheckAgentName(%.20q) = %v, want %v", n, err, want)
		}
	}
}

func TestClipForLog(t *testing.T) {
	if got := ClipForLog("worker1"); got != "worker1" {
		t.Errorf("short name: %q", got)
	}
	if got := ClipForLog("a\nb\x1bc"); got != "a?b?c" {
		t.Errorf("control characters: %q", got)
	}
	long := strings.Repeat("a", 20<<20)
	got := ClipForLog(long)
	if want := strings.Repeat("a", MaxLoggedPeerText) + "…(20971264 more bytes)"; got != want {
		t.Errorf("20 MiB name clipped to %d bytes: %.300q", len(got), got)
	}
	if name := strings.Repeat("n", MaxNodeNameLen); ClipForLog(name) != name {
		t.Error("a node name of the longest valid length is cut")
	}
}
