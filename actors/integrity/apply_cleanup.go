package integrity

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
)

// noteEmptied records the folders above a removed file, up to but excluding the item's folder,
// as candidates for removal.
func (a *applier) noteEmptied(item Item, inner string) {
	dirs := a.emptied[item.Key]
	if dirs == nil {
		dirs = make(map[string]bool)
		a.emptied[item.Key] = dirs
	}
	for dir := path.Dir(inner); dir != "."; dir = path.Dir(dir) {
		dirs[dir] = true
	}
}

// removeEmptied removes the candidate folders that are empty or hold only excluded files
// (Wazuh's remove_subdirs_if_empty), deepest first so that a parent sees its children gone.
// Wazuh checks only the folder of each removed file, against excluded_files; this also climbs
// to the parents that this leaves empty, and counts excluded extensions too.
func (a *applier) removeEmptied() {
	for _, key := range slices.Sorted(maps.Keys(a.emptied)) {
		root := a.roots[key]
		if root == nil {
			continue
		}
		dirs := slices.SortedFunc(maps.Keys(a.emptied[key]), func(x, y string) int {
			if dx, dy := strings.Count(x, "/"), strings.Count(y, "/"); dx != dy {
				return dy - dx
			}
			return strings.Compare(x, y)
		})
		for _, dir := range dirs {
			if err := removeIfEmpty(root, dir); err != nil {
				a.result.Errors.Removing++
				a.report(key+dir+"/", err)
			}
		}
	}
}

// removeIfEmpty removes dir (inside root) if it is a folder holding only excluded files.
func removeIfEmpty(root *os.Root, dir string) error {
	fi, err := root.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check folder: %w", err)
	}
	if !fi.IsDir() {
		return nil
	}
	f, err := root.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder: %w", err)
	}
	entries, err := f.ReadDir(-1)
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("list folder: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !Excluded(e.Name()) {
			return nil
		}
	}
	if err := root.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove folder: %w", err)
	}
	return nil
}
