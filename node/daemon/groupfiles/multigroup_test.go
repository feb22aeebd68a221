package groupfiles

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMultigroupDir(t *testing.T) {
	sum := sha256.Sum256([]byte("default,web"))
	if got, want := MultigroupDir([]string{"default", "web"}), hex.EncodeToString(sum[:])[:8]; got != want {
		t.Errorf("MultigroupDir = %s, want %s", got, want)
	}
	if MultigroupDir([]string{"web", "default"}) == MultigroupDir([]string{"default", "web"}) {
		t.Error("order must matter")
	}
}

func TestBuildMultigroupCombinesGroupsLikeRemoted(t *testing.T) {
	shared := t.TempDir()
	multi := filepath.Join(t.TempDir(), "multigroups")
	writeTree(t, shared, map[string]string{
		"ar.conf":            "ar\n",
		"default/agent.conf": "<agent_config>d</agent_config>\n",
		"default/common.txt": "from default\n",
		"default/only-d.txt": "d\n",
		"web/agent.conf":     "<agent_config>w</agent_config>\n",
		"web/common.txt":     "from web\n",
		"web/sub/agent.conf": "nested\n",
		"web/merged.mg":      "#web\n",
		"web/.git/config":    "hidden\n",
	})
	groups := []string{"default", "web", "gone"}
	sum, changed, err := BuildMultigroup(shared, multi, groups)
	if err != nil || !changed {
		t.Fatalf("build: %v, %v", changed, err)
	}
	hash := MultigroupDir(groups)
	content := readFile(t, filepath.Join(multi, hash, "merged.mg"))
	want := "#" + hash + "\n" +
		"!3 ar.conf\nar\n" +
		"!140 agent.conf\n<!-- Source file: default/agent.conf -->\n<agent_config>d</agent_config>\n<!-- Source file: web/agent.conf -->\n<agent_config>w</agent_config>\n" +
		"!9 common.txt\nfrom web\n" +
		"!2 only-d.txt\nd\n" +
		"!44 sub/agent.conf\n<!-- Source file: web/agent.conf -->\nnested\n"
	if string(content) != want {
		t.Errorf("merged.mg:\n got %q\nwant %q", content, want)
	}
	if _, err := ParseMerged(content); err != nil {
		t.Errorf("built multigroup file does not parse: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(multi, hash))
	if len(entries) != 1 {
		t.Errorf("multigroup folder holds %d entries, want only merged.mg", len(entries))
	}
	sum2, changed, err := BuildMultigroup(shared, multi, groups)
	if err != nil || changed || sum2 != sum {
		t.Errorf("rebuild: changed %v, %v", changed, err)
	}
	if _, _, err := BuildMultigroup(shared, multi, []string{"default", "../x"}); err == nil || !strings.Contains(err.Error(), "Invalid group name") {
		t.Errorf("bad member accepted: %v", err)
	}
	if _, _, err := BuildMultigroup(shared, multi, nil); err == nil {
		t.Error("empty multigroup accepted")
	}
}

func TestCompareTreePaths(t *testing.T) {
	ordered := []string{"A", "a", "a/x", "a/y/z", "a.conf", "a0", "b"}
	for i := range ordered {
		for j := range ordered {
			got := compareTreePaths(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("compare(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}
