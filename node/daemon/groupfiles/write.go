package groupfiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/clusterd/clusterd/node/fsutil"
)

// mergedFileMode is the permission Wazuh gives merged.mg.
const mergedFileMode = 0o660

// writeIfChanged replaces path with data unless it already holds exactly those bytes, so an
// unchanged merged.mg keeps its mtime and inode and the integrity scan sees nothing new. The new
// content goes to a temporary file in the same folder, is synced, then renamed in place.
func writeIfChanged(path string, data []byte) (changed bool, err error) {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, data):
		return false, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if err := fsutil.WriteFileAtomic(path, data, mergedFileMode); err != nil {
		return false, err
	}
	return true, nil
}
