package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clusterd/clusterd/actors/integrity"
)

// RemoveTempFiles removes the temporary files a crash of an earlier run left in dir (and its
// subfolders when recursive): regular files whose name is one of the project's temporary names
// (integrity.IsTempName), nothing else. Symbolic links are not followed. A missing dir is not an
// error. It returns the paths removed; on error, those removed until then.
func RemoveTempFiles(dir string, recursive bool) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if path != dir && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !integrity.IsTempName(d.Name()) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, path)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("remove temporary files under %s: %w", dir, err)
	}
	return removed, nil
}
