package actors

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/clusterd/clusterd/actors/integrity"
)

// watchDebounce groups the burst of events one change makes (write, chmod, rename) into one
// rescan.
const watchDebounce = 100 * time.Millisecond

// mergedName is the file a group's (or a multigroup's) shared files are merged into.
const mergedName = "merged.mg"

// folderWatch follows the master's synced folders with inotify, so that a change reaches the
// workers within about a second rather than at the next recalculate_integrity tick. The
// periodic scan stays the safety net: when the system refuses more watches, the caller logs
// the error and the interval applies.
type folderWatch struct {
	home string
	w    *fsnotify.Watcher
}

// watchSyncedFolders calls changed (at most once per watchDebounce) whenever a synced file or
// folder changes, with the time it saw the last change of the burst, until ctx ends.
func watchSyncedFolders(ctx context.Context, home string, now func() time.Time, changed func(seen time.Time)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	fw := &folderWatch{home: home, w: w}
	if err := fw.addAll(); err != nil {
		return err
	}
	var (
		debounce <-chan time.Time
		seen     time.Time
	)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				// etc/, var/, an item folder or a new group folder appeared: watch it.
				if err := fw.addAll(); err != nil {
					return err
				}
			}
			if fw.relevant(ev.Name) {
				seen = now()
				if debounce == nil {
					debounce = time.After(watchDebounce)
				}
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return err
		case <-debounce:
			debounce = nil
			changed(seen)
		}
	}
}

// addAll (re)adds every watch: home, etc and var themselves (to see the synced folders
// appear), and each synced folder with, for recursive items, everything below it. Adding a
// watch twice is harmless.
func (fw *folderWatch) addAll() error {
	for _, dir := range []string{fw.home, filepath.Join(fw.home, "etc"), filepath.Join(fw.home, "var")} {
		if err := fw.add(dir); err != nil {
			return err
		}
	}
	for _, it := range integrity.Items {
		root := filepath.Join(fw.home, filepath.FromSlash(it.Key))
		if !it.Recursive {
			if err := fw.add(root); err != nil {
				return err
			}
			continue
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil
			case err != nil:
				return err
			case d.IsDir():
				return fw.w.Add(path)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (fw *folderWatch) add(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return nil // not there yet; its parent is watched
	}
	return fw.w.Add(dir)
}

// relevant reports whether a change at path can change the synced files. Temporary and
// excluded files never can. Nor, for the watcher, can merged.mg: the master writes those itself
// (local-groups rebuilds a group's after its files change, and asks for one scan when it is
// done; remoted writes a multigroup's when an agent connects), and a scan per write is the
// storm this watcher must not cause. A merged.mg written by anyone else is found by the
// recalculate_integrity scan, as Wazuh finds every change.
func (fw *folderWatch) relevant(path string) bool {
	if base := filepath.Base(path); base == mergedName || integrity.Excluded(base) {
		return false
	}
	for _, it := range integrity.Items {
		root := filepath.Join(fw.home, filepath.FromSlash(it.Key))
		switch {
		case path == root:
			return true
		case it.Recursive && strings.HasPrefix(path, root+string(filepath.Separator)):
			return true
		case !it.Recursive && filepath.Dir(path) == root && it.Takes(filepath.Base(path)):
			return true
		}
	}
	return false
}
