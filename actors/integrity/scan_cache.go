package integrity

import "time"

// racyWindow is how recent a file's mtime may be, relative to the start of the scan that
// hashed it, before the hash is not trusted for the next scan. Filesystems stamp mtimes from a
// coarse clock (a kernel tick, up to 10 ms; more on some network filesystems): a file written
// again within the same tick after being hashed keeps the same mtime, and often the same size.
// Re-hashing such a file once more costs little; trusting it could keep a stale hash forever.
const racyWindow = time.Second

// scanCache is what a Scanner remembers of the files of its last complete scan, by folder
// (relative, with a trailing slash) then by name: a worker looks its batch's folder up once
// and each file in a small map that stays in the CPU cache, where one map of every path costs
// a cache miss or two per file.
type scanCache map[string]map[string]cacheEntry

// cacheEntry is what the Scanner remembers about a file it hashed or kept.
type cacheEntry struct {
	id   fileIdentity
	hash string
	item int  // index in Items of the item that selected it
	racy bool // mtime too close to the scan's start to prove the hash matches the contents
}

// reusableHash returns the hash to keep for a file without reading it, if any:
//   - when the Scanner's cache knows the file (dirCache holds its folder's entries), its hash
//     is kept if the file is unchanged since in size, mtime nanoseconds, ctime and inode and
//     was not racy; otherwise the file is read;
//   - when the cache does not know it (a new Scanner), Wazuh's rule applies: prev's hash is
//     kept if prev has the path with exactly this mod_time.
//
// With no previous metadata at all (prev == nil) every file is read.
func reusableHash(prev Metadata, dirCache map[string]cacheEntry, rel, name string, st fileStat) (string, bool) {
	if prev == nil {
		return "", false
	}
	if c, known := dirCache[name]; known {
		if c.racy || c.id != st.identity() {
			return "", false
		}
		return c.hash, true
	}
	p, ok := prev[rel]
	if !ok || p.Hash == "" || p.ModTime != st.modTime() {
		return "", false
	}
	return p.Hash, true
}
