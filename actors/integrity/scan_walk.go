package integrity

import (
	"bytes"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"
)

// fileBatch is a run of files of one folder, selected by one item, for a worker to stat and
// hash. It holds a reference on the folder, which the worker releases.
type fileBatch struct {
	item   int // index in Items
	dir    *dirHandle
	dirRel string   // the folder relative to WAZUH_HOME, with a trailing slash
	rels   []string // the files relative to WAZUH_HOME: dirRel + name
}

// pendingDir is a subfolder waiting to be walked; it holds a reference on its parent, which
// opening it releases.
type pendingDir struct {
	parent *dirHandle
	name   string
	rel    string
}

// walker lists the items' folders (in the goroutine that called Scan) and hands their selected
// files to the workers.
type walker struct {
	prefix  string // WAZUH_HOME with a trailing slash
	jobs    chan<- fileBatch
	done    <-chan struct{}
	buf     []byte // getdents buffer
	skipped int64
	errs    errorLog
	keys    []string // the items to walk; nil: all
}

// direntBufferSize holds a few hundred entries per getdents call.
const direntBufferSize = 32 << 10

// walkItems walks every item in Items order (those of wk.keys, when set); it stops early when
// the scan is cancelled.
func (wk *walker) walkItems() {
	for i := range Items {
		if wk.keys != nil && !slices.Contains(wk.keys, Items[i].Key) {
			continue
		}
		if !wk.walkItem(i) {
			return
		}
	}
}

// walkItem walks one item's folder, depth first. It returns false when the scan is cancelled.
// A missing folder is normal (a worker without lists, a master without multigroups) and is
// not reported; a symlinked one is.
func (wk *walker) walkItem(idx int) bool {
	rootRel := Items[idx].Key
	if !strings.HasSuffix(rootRel, "/") {
		rootRel += "/"
	}
	root, err := openItemRoot(wk.prefix, rootRel)
	if err != nil {
		wk.failUnlessAbsent(err)
		return true
	}
	var pending []pendingDir
	ok := wk.walkDir(idx, root, rootRel, &pending)
	for ok && len(pending) > 0 {
		p := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		child, err := p.parent.openChild(p.name)
		p.parent.release()
		if err != nil {
			wk.failUnlessAbsent(err)
			continue
		}
		ok = wk.walkDir(idx, child, p.rel, &pending)
	}
	for _, p := range pending {
		p.parent.release()
	}
	return ok
}

// walkDir lists one folder, sends its selected files to the workers in batches, queues its
// subfolders when the item is recursive, and releases the folder. It returns false when the
// scan is cancelled.
func (wk *walker) walkDir(idx int, dir *dirHandle, dirRel string, pending *[]pendingDir) bool {
	defer dir.release()
	item := &Items[idx]
	batch := fileBatch{item: idx, dir: dir, dirRel: dirRel}
	cancelled := false
	err := dir.list(wk.buf, func(name []byte, typ fs.FileMode) bool {
		switch {
		case typ.IsDir():
			if !item.Recursive {
				return true
			}
			if !portableName(dirRel, name) {
				wk.skipped++
				return true
			}
			dir.retain()
			*pending = append(*pending, pendingDir{parent: dir, name: string(name), rel: dirRel + string(name) + "/"})
		case typ.IsRegular():
			rel := dirRel + string(name)
			base := rel[len(dirRel):]
			if Excluded(base) || !item.Takes(base) {
				return true
			}
			if !portableName(dirRel, name) {
				wk.skipped++
				return true
			}
			batch.rels = append(batch.rels, rel)
			if len(batch.rels) == batchSize {
				if !wk.send(batch) {
					cancelled = true
					return false
				}
				batch.rels = nil
			}
		default:
			// Symbolic links, sockets, FIFOs, devices: never synchronised.
			if item.Takes(string(name)) {
				wk.skipped++
			}
		}
		return true
	})
	if cancelled {
		return false
	}
	if err != nil {
		wk.failUnlessAbsent(err)
	}
	return len(batch.rels) == 0 || wk.send(batch)
}

// portableName reports whether a file or folder name can travel to a peer unchanged: JSON
// carries only UTF-8 (another name would be synchronised under a different name), and the
// package format refuses backslashes and over-long paths (checkRelPath). Leaving such a file
// out of the metadata keeps one odd name from failing every package.
func portableName(dirRel string, name []byte) bool {
	return utf8.Valid(name) && bytes.IndexByte(name, '\\') < 0 &&
		len(name) <= maxComponentLen && len(dirRel)+len(name) <= maxPathLen
}

// send hands a batch to the workers, with a reference on its folder.
func (wk *walker) send(b fileBatch) bool {
	b.dir.retain()
	select {
	case wk.jobs <- b:
		return true
	case <-wk.done:
		b.dir.release()
		return false
	}
}

// failUnlessAbsent records a folder that could not be opened or listed, but not one that is
// missing or is not a folder: those are not part of the synchronised tree.
func (wk *walker) failUnlessAbsent(err error) {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return
	}
	wk.skipped++
	wk.errs.add(err)
}
