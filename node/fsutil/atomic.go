// Package fsutil holds the file writing every part of a node shares: a file written from
// outside data (a peer's, an agent's, an operator's) replaces the old one whole or not at all,
// and the temporary file that makes it so is never mistaken for a real one.
package fsutil

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/clusterd/clusterd/actors/integrity"
)

// CreateTemp creates the temporary file of a write of path: in path's folder (so the rename
// stays on one filesystem), named as integrity.TempPattern says, so that no integrity scan
// takes it and RemoveTempFiles recognises it after a crash.
func CreateTemp(path string) (*os.File, error) {
	return os.CreateTemp(filepath.Dir(path), integrity.TempPattern(filepath.Base(path)))
}

// WriteFileAtomic writes data to a temporary file next to path, syncs it, gives it mode and
// renames it into place, so a crash leaves the old file or the new one, never half of one.
// path's folder must exist.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := CreateTemp(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// SyncDir makes a rename in dir durable; a failure only weakens crash safety, so it is not
// reported.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
