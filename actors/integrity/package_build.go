package integrity

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// PackageStats describes a master package once built.
type PackageStats struct {
	Files      int      // file entries written
	Skipped    int      // files of missing ∪ shared left out of the package, whatever the reason
	Truncated  bool     // the limit was reached: the files after it wait for the next sync
	Bytes      int64    // size of the whole package
	TooLarge   []string // relative paths of files larger than the limit (Wazuh logs each one)
	Unreadable []string // relative paths that could not be read (moved from shared to extra)
	Unpackable []string // relative paths whose compressed bytes hold the separator at every level
}

// BuildMasterPackage writes to w the package the master sends a worker for diff (§5.4): the
// bodies of every missing and shared file, read from home, then files_metadata.json describing
// what was actually sent. A file larger than limit, or past the point where the package reached
// limit, or with an invalid path, is dropped from missing/shared (it is retried next cycle); an
// unreadable file is dropped from missing, and moved from shared to extra so that the worker
// deletes its copy, as Wazuh's update_cluster_control does. The error is only for a package that
// could not be written.
//
// rawLimit (0 for none) bounds the uncompressed total of the files taken: the receiving worker
// refuses a package that inflates beyond max_zip_size (3053), so files are taken in order while
// they fit, and the rest wait for the next round like those over the compressed limit.
func BuildMasterPackage(w io.Writer, home string, diff Diff, level int, limit, rawLimit int64) (sent Diff, stats PackageStats, err error) {
	tempDir := ""
	if f, ok := w.(*os.File); ok {
		tempDir = filepath.Dir(f.Name()) // big compressed files wait next to the package
	}
	return BuildMasterPackageTo(w, tempDir, home, diff, level, limit, rawLimit)
}

// BuildMasterPackageTo is BuildMasterPackage writing to any w (a pipe to the sender, so that
// the package goes out while it is built), with compressed files larger than a few MiB waiting
// in tempDir ("" for os.TempDir()).
func BuildMasterPackageTo(w io.Writer, tempDir, home string, diff Diff, level int, limit, rawLimit int64) (sent Diff, stats PackageStats, err error) {
	return BuildMasterPackageFormat(w, FormatWazuh, tempDir, home, diff, level, limit, rawLimit)
}

// BuildMasterPackageFormat is BuildMasterPackageTo in a chosen format: FormatFramed only for a
// worker that announced CapPackageS2.
func BuildMasterPackageFormat(w io.Writer, format PackageFormat, tempDir, home string, diff Diff, level int, limit, rawLimit int64) (sent Diff, stats PackageStats, err error) {
	sent = Diff{Missing: cloneMetadata(diff.Missing), Extra: cloneMetadata(diff.Extra), Shared: cloneMetadata(diff.Shared)}
	paths := slices.Sorted(maps.Keys(sent.Missing))
	for rel := range sent.Shared {
		if _, dup := sent.Missing[rel]; !dup {
			paths = append(paths, rel)
		}
	}
	slices.Sort(paths)

	if rawLimit > 0 {
		// Leaving out files only shrinks the metadata (a shared file moved to extra keeps its
		// entry), so its encoding now bounds the final member's size.
		reserve := int64(len(sent.MarshalPython())) + metadataMargin
		paths = withinRawLimit(home, paths, rawLimit, reserve, sent, &stats)
	}
	srcs := make([]FileSource, len(paths))
	for i, rel := range paths {
		srcs[i] = FileSource{Rel: rel, Path: filepath.Join(home, filepath.FromSlash(rel))}
	}
	pw := NewPackageWriterFormat(w, format, level, limit)
	pw.SetTempDir(tempDir)
	outcomes, err := pw.AddFiles(srcs)
	if err != nil {
		return Diff{}, stats, fmt.Errorf("build master package: %w", err)
	}
	for i, outcome := range outcomes {
		if outcome == nil {
			continue
		}
		rel := paths[i]
		stats.Skipped++
		switch {
		case errors.Is(outcome, ErrFileTooLarge):
			stats.TooLarge = append(stats.TooLarge, rel)
		case errors.Is(outcome, ErrZipLimitReached):
			stats.Truncated = true
		case errors.Is(outcome, ErrSeparatorInData):
			stats.Unpackable = append(stats.Unpackable, rel)
		case errors.Is(outcome, ErrUnreadableFile):
			stats.Unreadable = append(stats.Unreadable, rel)
			if meta, ok := sent.Shared[rel]; ok {
				sent.Extra[rel] = meta
			}
		}
		delete(sent.Missing, rel)
		delete(sent.Shared, rel)
	}
	if err := pw.Close(sent.MarshalPython()); err != nil {
		return Diff{}, stats, fmt.Errorf("build master package: %w", err)
	}
	stats.Files, stats.Bytes = pw.Files(), pw.Size()
	return sent, stats, nil
}

// metadataMargin is room kept, within the raw limit, beyond files_metadata.json itself: for
// files that grow between the stat and the read.
const metadataMargin = 1 << 20

// withinRawLimit keeps the leading paths whose sizes add up within rawLimit less reserve (the
// room files_metadata.json needs); a file that can never fit is too large, the others are left
// for the next round. Dropped paths leave the metadata sent. Files that cannot be stat'ed are
// kept: the writer reports them.
func withinRawLimit(home string, paths []string, rawLimit, reserve int64, sent Diff, stats *PackageStats) []string {
	budget := max(rawLimit-reserve, rawLimit/2)
	kept := paths[:0:0]
	var total int64
	for _, rel := range paths {
		info, err := os.Stat(filepath.Join(home, filepath.FromSlash(rel)))
		if err != nil {
			kept = append(kept, rel)
			continue
		}
		switch size := info.Size(); {
		case size > budget:
			stats.TooLarge = append(stats.TooLarge, rel)
		case total+size > budget:
			stats.Truncated = true
		default:
			total += size
			kept = append(kept, rel)
			continue
		}
		stats.Skipped++
		delete(sent.Missing, rel)
		delete(sent.Shared, rel)
	}
	return kept
}

// BuildWorkerPackage writes to w the package a worker sends for an integrity check: no files,
// only files_metadata.json holding the worker's metadata.
func BuildWorkerPackage(w io.Writer, meta Metadata, level int) error {
	if err := NewPackageWriter(w, level, 0).Close(meta.MarshalPython()); err != nil {
		return fmt.Errorf("build worker package: %w", err)
	}
	return nil
}

// cloneMetadata copies m, never returning nil, so that an empty section encodes as {}.
func cloneMetadata(m Metadata) Metadata {
	out := make(Metadata, len(m))
	maps.Copy(out, m)
	return out
}
