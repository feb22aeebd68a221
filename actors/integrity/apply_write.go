package integrity

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"
)

// dirMode is the mode of folders created on a worker (Wazuh's mkdir_with_mode default).
const dirMode fs.FileMode = 0o770

// tempName is the temporary file a destination is written to before the rename: Wazuh's
// ".<name>.tmp", in the destination folder so that the rename stays on one filesystem. The
// name is always the same for a destination, so a file left by a crash is replaced by the next
// write of that destination; ".tmp" is an excluded extension, so it is never synchronised.
func tempName(inner string) string {
	dir, base := path.Split(inner)
	const suffix = ".tmp"
	if len(base)+len(suffix)+1 > maxComponentLen {
		base = base[:maxComponentLen-len(suffix)-1]
	}
	return dir + "." + base + suffix
}

// syncWorkers is how many temporary files are synced at once: each sync waits for a journal
// commit, and concurrent ones share it.
const syncWorkers = 16

// stagedWrite is a destination whose new contents wait under its temporary name for their
// sync and rename.
type stagedWrite struct {
	rel, inner, tmp string
	item            Item
	root            *os.Root
	shared          bool
	err             error
}

// stage puts the package's copy of rel under its temporary name, next to its destination, to
// be synced and renamed into place by commitStaged. A failure is counted at once.
func (a *applier) stage(rel string, meta FileMeta, shared bool) {
	w, err := a.prepare(rel, meta, shared)
	if err != nil {
		a.written(rel, shared, err)
		return
	}
	key := [2]string{w.item.Key, w.tmp}
	if a.stagedTemp[key] {
		// Two long names cut to the same temporary name: the first goes in place before the
		// second takes the name.
		a.commitStaged()
	}
	if err := a.writeTemp(w.root, w.inner, w.tmp, a.extracted[rel]); err != nil {
		a.written(rel, shared, err)
		return
	}
	a.stagedTemp[key] = true
	a.staged = append(a.staged, w)
}

// prepare checks rel and creates its destination's folders.
func (a *applier) prepare(rel string, meta FileMeta, shared bool) (stagedWrite, error) {
	item, inner, err := a.target(rel, meta)
	if err != nil {
		return stagedWrite{}, err
	}
	if _, ok := a.extracted[rel]; !ok {
		return stagedWrite{}, ErrNotInPackage
	}
	root, err := a.root(item, true)
	if err != nil {
		return stagedWrite{}, err
	}
	if err := a.checkParents(item, inner); err != nil {
		return stagedWrite{}, err
	}
	if dir := path.Dir(inner); dir != "." {
		if err := mkdirs(root, dir); err != nil {
			return stagedWrite{}, err
		}
	}
	return stagedWrite{rel: rel, inner: inner, tmp: tempName(inner), item: item, root: root, shared: shared}, nil
}

// writeTemp puts src at tmp, the temporary name of inner.
func (a *applier) writeTemp(root *os.Root, inner, tmp, src string) error {
	if err := root.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", tmp, err)
	}
	// The extracted file is on the same filesystem as the destination in every normal layout:
	// moving it costs no copy. Otherwise it is copied.
	if err := moveInto(root, src, tmp); err != nil {
		if err := copyInto(root, src, tmp); err != nil {
			return err
		}
	}
	return nil
}

// commitStaged gives every staged file its mode and syncs it, several at once, then renames
// each into place, in order: a destination only ever holds its old file or the whole new one.
// A file that failed is removed from its temporary name and counted.
func (a *applier) commitStaged() {
	staged := a.staged
	a.staged = nil
	clear(a.stagedTemp)
	jobs := make(chan *stagedWrite)
	var wg sync.WaitGroup
	for range min(syncWorkers, len(staged)) {
		wg.Go(func() {
			for w := range jobs {
				w.err = syncWithMode(w.root, w.tmp, w.item.Permissions)
			}
		})
	}
	for i := range staged {
		jobs <- &staged[i]
	}
	close(jobs)
	wg.Wait()
	for _, w := range staged {
		err := w.err
		if err == nil && a.beforeRename != nil {
			err = a.beforeRename(w.tmp)
		}
		if err == nil {
			if rerr := w.root.Rename(w.tmp, w.inner); rerr != nil {
				err = fmt.Errorf("rename %s: %w", w.tmp, rerr)
			}
		}
		if err != nil {
			_ = w.root.Remove(w.tmp)
		} else {
			a.noteRuleset(w.item)
		}
		a.written(w.rel, w.shared, err)
	}
}

// copyInto writes a copy of src to inner, a new file inside root.
func copyInto(root *os.Root, src, inner string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotInPackage, err)
	}
	defer in.Close()
	out, err := root.OpenFile(inner, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", inner, err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", inner, cerr)
		}
		if err != nil {
			_ = root.Remove(inner)
		}
	}()
	// Between two files the copy runs in the kernel (copy_file_range).
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("write %s: %w", inner, err)
	}
	return nil
}

// syncWithMode gives inner its final mode and flushes it to disk, so that the rename that
// follows can only ever expose the whole file.
func syncWithMode(root *os.Root, inner string, perm fs.FileMode) error {
	f, err := root.OpenFile(inner, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", inner, err)
	}
	defer f.Close()
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", inner, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", inner, err)
	}
	return nil
}

// mkdirs creates the folders of dir (a path inside root) that are missing, with dirMode
// whatever the umask.
func mkdirs(root *os.Root, dir string) error {
	cur := ""
	for part := range strings.SplitSeq(dir, "/") {
		cur = path.Join(cur, part)
		err := root.Mkdir(cur, dirMode)
		if err == nil {
			if err := root.Chmod(cur, dirMode); err != nil {
				return fmt.Errorf("chmod %s: %w", cur, err)
			}
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create %s: %w", cur, err)
		}
		if fi, err := root.Stat(cur); err != nil || !fi.IsDir() {
			return fmt.Errorf("create %s: exists and is not a folder", cur)
		}
	}
	return nil
}

// removeFile removes inner from root; a file already gone (or whose folder is) is fine.
func removeFile(root *os.Root, inner string) (removed bool, err error) {
	fi, err := root.Lstat(inner)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("remove: %w", err)
	}
	if fi.IsDir() {
		return false, ErrIsDirectory
	}
	if err := root.Remove(inner); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("remove: %w", err)
	}
	return true, nil
}
