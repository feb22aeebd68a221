package integrity

import (
	"errors"
	"io/fs"
	"strings"
)

// scanWorker stats the files of the batches it receives and hashes those whose previous hash
// cannot be kept. Its results and counters are its own until Scan collects them.
type scanWorker struct {
	prev       Metadata
	cache      scanCache // the Scanner's, read-only during a scan
	racyCutoff int64     // mtimes (ns) at or after this are not trusted next time
	done       <-chan struct{}

	hasher      *fileHasher // taken from the pool on the first file to hash
	nameBuf     []byte      // NUL-terminated name for fstatat
	results     []batchResult
	hashed      int64
	bytesHashed int64
	skipped     int64
	errs        errorLog
}

// batchResult is the files of one batch that made it into the result, in a slice allocated
// at the batch's size.
type batchResult struct {
	dirRel string
	files  []scanned
}

// scanned is one file of the result.
type scanned struct {
	rel  string
	item int
	meta FileMeta
	id   fileIdentity
	racy bool
}

func (w *scanWorker) run(jobs <-chan fileBatch) {
	defer w.releaseHasher()
	for {
		select {
		case <-w.done:
			return
		case b, ok := <-jobs:
			if !ok || !w.scanBatch(b) {
				return
			}
		}
	}
}

// scanBatch returns false when the scan is cancelled.
func (w *scanWorker) scanBatch(b fileBatch) bool {
	defer b.dir.release()
	out := make([]scanned, 0, len(b.rels))
	dirCache := w.cache[b.dirRel]
	for _, rel := range b.rels {
		select {
		case <-w.done:
			return false
		default:
		}
		if r, ok := w.scanFile(b, dirCache, rel); ok {
			out = append(out, r)
		}
	}
	w.results = append(w.results, batchResult{dirRel: b.dirRel, files: out})
	return true
}

func (w *scanWorker) scanFile(b fileBatch, dirCache map[string]cacheEntry, rel string) (scanned, bool) {
	name := rel[len(b.dirRel):]
	st, err := b.dir.lstat(&w.nameBuf, name)
	if err != nil {
		w.failUnlessVanished(err)
		return scanned{}, false
	}
	if !st.regular() {
		w.skipped++ // replaced by a link or a folder since it was listed
		return scanned{}, false
	}
	racy := st.mtimeNs() >= w.racyCutoff
	hash, ok := reusableHash(w.prev, dirCache, rel, name, st)
	if !ok {
		read, err := w.hashFile(b, name, st)
		if err != nil {
			if !errors.Is(err, errScanCancelled) {
				w.failUnlessVanished(err)
			}
			return scanned{}, false
		}
		hash = read.hash
		racy = racy || read.changed
	}
	meta := FileMeta{ModTime: st.modTime(), ClusterItemKey: Items[b.item].Key, Hash: hash}
	if strings.Contains(name, ".merged") {
		// Wazuh's walk_dir marks such files as legacy merged files, named by absolute path.
		meta.Merged, meta.MergeType, meta.MergeName = true, "TYPE", b.dir.path+name
	}
	return scanned{rel: rel, item: b.item, meta: meta, id: st.identity(), racy: racy}, true
}

type hashed struct {
	hash    string
	changed bool // the file read differs in size or mtime from the one stated before
}

// hashFile hashes a file of the batch's folder. The metadata keeps the mtime stated before
// reading, as Wazuh's walk_dir does; should the file read differ from it (written meanwhile),
// the entry is marked racy so that the next scan reads it again.
func (w *scanWorker) hashFile(b fileBatch, name string, before fileStat) (hashed, error) {
	hash, read, n, err := b.dir.hashFile(w.fileHasher(), w.done, name)
	if err != nil {
		return hashed{}, err
	}
	w.hashed++
	w.bytesHashed += n
	return hashed{hash: hash, changed: read.size != before.size || read.mtimeNs() != before.mtimeNs()}, nil
}

func (w *scanWorker) fileHasher() *fileHasher {
	if w.hasher == nil {
		w.hasher = hashers.Get().(*fileHasher)
	}
	return w.hasher
}

func (w *scanWorker) releaseHasher() {
	if w.hasher != nil {
		hashers.Put(w.hasher)
		w.hasher = nil
	}
}

// failUnlessVanished counts a file that could not be read, but not one deleted since it was
// listed: that is the normal life of the synchronised folders.
func (w *scanWorker) failUnlessVanished(err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	w.skipped++
	if !errors.Is(err, ErrNotRegular) {
		w.errs.add(err)
	}
}
