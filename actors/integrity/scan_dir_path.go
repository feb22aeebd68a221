//go:build !(linux && (amd64 || arm64))

package integrity

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// dirHandle is a folder of the scan on platforms where it is reached by path: each element is
// checked with Lstat, so a symbolic link found in place is refused, but one swapped in during
// the scan is not detected as reliably as with the descriptor-relative version.
type dirHandle struct {
	path string // absolute, with a trailing slash
}

func (d *dirHandle) retain()  {}
func (d *dirHandle) release() {}

// openItemRoot checks an item's folder (rel has a trailing slash) one element at a time from
// WAZUH_HOME, none of them a symbolic link; prefix may itself be one.
func openItemRoot(prefix, rel string) (*dirHandle, error) {
	d := &dirHandle{path: prefix}
	for name := range strings.SplitSeq(strings.TrimSuffix(rel, "/"), "/") {
		child, err := d.openChild(name)
		if err != nil {
			return nil, err
		}
		d = child
	}
	return d, nil
}

// openChild checks that the subfolder name is a folder, refusing a symbolic link
// (ErrSymlinkedFolder).
func (d *dirHandle) openChild(name string) (*dirHandle, error) {
	path := d.path + name + "/"
	info, err := os.Lstat(d.path + name)
	switch {
	case err != nil:
		return nil, err
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlinkedFolder}
	case !info.IsDir():
		return nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
	}
	return &dirHandle{path: path}, nil
}

// list calls fn with each entry of the folder, in directory order, until fn returns false.
func (d *dirHandle) list(_ []byte, fn func(name []byte, typ fs.FileMode) bool) error {
	f, err := os.Open(d.path)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	closeErr := f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !fn([]byte(e.Name()), e.Type()) {
			break
		}
	}
	if closeErr != nil {
		return fmt.Errorf("close %s: %w", d.path, closeErr)
	}
	return nil
}

// lstat stats the entry name of the folder without following a symbolic link.
func (d *dirHandle) lstat(_ *[]byte, name string) (fileStat, error) {
	return lstatPath(d.path + name)
}

// hashFile hashes the regular file name of the folder.
func (d *dirHandle) hashFile(fh *fileHasher, done <-chan struct{}, name string) (string, fileStat, int64, error) {
	return fh.hashRegular(done, d.path+name)
}
