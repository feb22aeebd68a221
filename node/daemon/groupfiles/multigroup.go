package groupfiles

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// agentConfName is the one file a multigroup concatenates instead of overwriting.
const agentConfName = "agent.conf"

// MultigroupDir is the folder name Wazuh gives the multigroup g1,g2,…: the first 8 hex digits
// of the SHA-256 of the comma-joined list.
func MultigroupDir(groups []string) string {
	sum := sha256.Sum256([]byte(strings.Join(groups, MultigroupSeparator)))
	return hex.EncodeToString(sum[:4])
}

// BuildMultigroup (re)writes <multigroupsDir>/<MultigroupDir(groups)>/merged.mg as remoted's
// c_multi_group does. remoted copies the groups' files, in list order, into the multigroup
// folder — a file met again replaces the earlier copy, except agent.conf, to which each group's
// agent.conf is appended after a "<!-- Source file: <group>/agent.conf -->\n" line — and then
// merges that folder like a group whose name is the folder's hash, so the file starts with
// "#<hash>\n" (not the group list), then ar.conf, then the combined files. The combination is
// computed in memory; only merged.mg is written, and only when its bytes change. Group folders
// that do not exist are skipped, as remoted does.
func BuildMultigroup(sharedDir, multigroupsDir string, groups []string) (md5hex string, changed bool, err error) {
	if len(groups) == 0 {
		return "", false, fmt.Errorf("multigroup: %w", &GroupNameError{Text: "Invalid group name: Empty Group"})
	}
	var combined []sharedFile
	index := make(map[string]int)
	for _, g := range groups {
		dir, err := groupFolder(sharedDir, g)
		if errors.Is(err, ErrNotGroupFolder) {
			continue
		}
		if err != nil {
			return "", false, err
		}
		files, err := readGroupFiles(dir)
		if err != nil {
			return "", false, err
		}
		for _, f := range files {
			combined = mergeInto(combined, index, g, f)
		}
	}
	slices.SortFunc(combined, func(a, b sharedFile) int { return compareTreePaths(a.rel, b.rel) })

	hash := MultigroupDir(groups)
	dir := filepath.Join(multigroupsDir, hash)
	if err := os.MkdirAll(dir, 0o770); err != nil {
		return "", false, fmt.Errorf("create multigroup folder %s: %w", dir, err)
	}
	content, err := renderMerged(sharedDir, hash, combined)
	if err != nil {
		return "", false, err
	}
	return writeMerged(filepath.Join(dir, mergedName), content)
}

func mergeInto(combined []sharedFile, index map[string]int, group string, f sharedFile) []sharedFile {
	i, seen := index[f.rel]
	if path.Base(f.rel) == agentConfName {
		header := "<!-- Source file: " + group + "/" + agentConfName + " -->\n"
		if !seen {
			index[f.rel] = len(combined)
			return append(combined, sharedFile{rel: f.rel, data: append([]byte(header), f.data...)})
		}
		data := append(combined[i].data, header...)
		combined[i].data = append(data, f.data...)
		return combined
	}
	if seen {
		combined[i].data = f.data
		return combined
	}
	index[f.rel] = len(combined)
	return append(combined, f)
}

// compareTreePaths orders relative paths the way a sorted recursive folder walk meets them:
// component by component, so "a/x" (inside folder "a") comes before "a.conf".
func compareTreePaths(a, b string) int {
	for {
		ca, restA, moreA := strings.Cut(a, "/")
		cb, restB, moreB := strings.Cut(b, "/")
		if c := strings.Compare(ca, cb); c != 0 {
			return c
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1
		case !moreB:
			return 1
		}
		a, b = restA, restB
	}
}
