//go:build unix

package integrity

import (
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"
)

// moveInto moves the extracted file src (in our own queue folder) to inner, a path inside
// root, without copying its data: renameat(2) against a handle on the destination folder
// opened through root, so the folder is the one root resolved, whatever its path points to
// by then. It fails (and the caller copies instead) when src is on another filesystem.
func moveInto(root *os.Root, src, inner string) error {
	dir, err := root.Open(path.Dir(inner))
	if err != nil {
		return fmt.Errorf("open %s: %w", path.Dir(inner), err)
	}
	defer dir.Close()
	if err := unix.Renameat(unix.AT_FDCWD, src, int(dir.Fd()), path.Base(inner)); err != nil {
		return fmt.Errorf("move %s: %w", inner, err)
	}
	return nil
}
