package integrity

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// target checks an entry and returns its item and its path inside the item's folder. Besides
// Wazuh's checks (known cluster_item_key, path under the item's folder) it refuses what the item
// does not select, which a master's scan never yields: an excluded name, a basename the item
// does not take (etc/ takes only client.keys), a subfolder of a non-recursive item.
func (a *applier) target(rel string, meta FileMeta) (Item, string, error) {
	if meta.Merged {
		return Item{}, "", ErrMergedUnsupported
	}
	item, ok := ItemByKey(meta.ClusterItemKey)
	if !ok {
		return Item{}, "", fmt.Errorf("%w: %s", ErrInvalidItemKey, quotePath(meta.ClusterItemKey))
	}
	if err := checkRelPath(rel); err != nil {
		return Item{}, "", fmt.Errorf("%w: %w", ErrOutsideAllowedDir, err)
	}
	inner, ok := strings.CutPrefix(rel, item.Key)
	if !ok {
		return Item{}, "", fmt.Errorf("%w: not under %s", ErrOutsideAllowedDir, item.Key)
	}
	base := path.Base(inner)
	switch {
	case !item.Recursive && strings.Contains(inner, "/"):
		return Item{}, "", fmt.Errorf("%w: %s is not recursive", ErrNotSynchronised, item.Key)
	case Excluded(base):
		return Item{}, "", fmt.Errorf("%w: excluded name", ErrNotSynchronised)
	case !item.Takes(base):
		return Item{}, "", fmt.Errorf("%w: %s does not take %s", ErrNotSynchronised, item.Key, quotePath(base))
	}
	return item, inner, nil
}

// root returns the os.Root of the item's folder, creating the folder when create is set. With
// create unset, a missing folder gives a nil root and no error: nothing in it to remove. An item
// folder that is (or is under) a symbolic link is refused, as the scan skips it: the files
// written there would land outside WAZUH_HOME.
func (a *applier) root(item Item, create bool) (*os.Root, error) {
	if r, ok := a.roots[item.Key]; ok {
		return r, nil
	}
	dir := filepath.Join(a.home, filepath.FromSlash(item.Key))
	if create {
		if err := mkdirsUnder(a.home, item.Key); err != nil {
			return nil, err
		}
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) && !create {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", item.Key, err)
	}
	home, err := filepath.EvalSymlinks(a.home)
	if err != nil {
		return nil, fmt.Errorf("resolve home: %w", err)
	}
	if resolved != filepath.Join(home, filepath.FromSlash(item.Key)) {
		return nil, fmt.Errorf("%w: %s is a symbolic link", ErrOutsideAllowedDir, item.Key)
	}
	r, err := os.OpenRoot(resolved)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", item.Key, err)
	}
	a.roots[item.Key], a.realRoots[item.Key] = r, resolved
	return r, nil
}

// checkParents refuses a path whose existing parent folders include a symbolic link resolving
// outside the item's folder, or a non-folder. It gives the clear error; the os.Root the
// operations go through is what guarantees confinement, even if the tree changes meanwhile.
func (a *applier) checkParents(item Item, inner string) error {
	realRoot := a.realRoots[item.Key]
	cur := realRoot
	dir := path.Dir(inner)
	if dir == "." {
		return nil
	}
	for part := range strings.SplitSeq(dir, "/") {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", cur, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			resolved, err := filepath.EvalSymlinks(cur)
			if err != nil || !within(realRoot, resolved) {
				return fmt.Errorf("%w: %s is a symbolic link out of %s", ErrOutsideAllowedDir, cur, item.Key)
			}
			if fi, err = os.Stat(resolved); err != nil {
				return fmt.Errorf("check %s: %w", cur, err)
			}
		}
		if !fi.IsDir() {
			return fmt.Errorf("%w: %s", errParentNotFolder, cur)
		}
	}
	return nil
}

// mkdirsUnder creates the missing folders of rel (slash-separated) under the existing dir
// base, with dirMode whatever the umask.
func mkdirsUnder(base, rel string) error {
	cur := base
	for part := range strings.SplitSeq(strings.Trim(rel, "/"), "/") {
		cur = filepath.Join(cur, part)
		err := os.Mkdir(cur, dirMode)
		if err == nil {
			if err := os.Chmod(cur, dirMode); err != nil {
				return fmt.Errorf("chmod %s: %w", cur, err)
			}
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create %s: %w", cur, err)
		}
	}
	return nil
}

// within reports whether path p is dir or below it; both are clean absolute paths.
func within(dir, p string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}
