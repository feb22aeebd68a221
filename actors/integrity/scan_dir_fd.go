//go:build linux && (amd64 || arm64)

package integrity

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// dirHandle is an open folder of the scan. Everything below WAZUH_HOME is reached relative to
// an open folder (openat, fstatat, getdents) without following symbolic links, so a folder
// swapped for a link during the scan cannot lead it outside; and the kernel resolves one name
// per call instead of a whole path, a good part of a warm scan's cost.
//
// The folder stays open while it is being listed, while batches of its files wait for or sit
// with a worker, and while its subfolders wait to be opened; the last release closes it.
type dirHandle struct {
	fd   int
	path string // absolute, with a trailing slash; for messages and merge_name
	refs atomic.Int32
}

const dirOpenFlags = syscall.O_RDONLY | syscall.O_DIRECTORY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC

// atSymlinkNoFollow is Linux's AT_SYMLINK_NOFOLLOW, which package syscall does not export.
const atSymlinkNoFollow = 0x100

// direntHeader is the size of linux_dirent64 before d_name: d_ino, d_off, d_reclen, d_type.
const direntHeader = 19

func newDirHandle(fd int, path string) *dirHandle {
	d := &dirHandle{fd: fd, path: path}
	d.refs.Store(1)
	return d
}

func (d *dirHandle) retain() { d.refs.Add(1) }

func (d *dirHandle) release() {
	if d.refs.Add(-1) == 0 {
		syscall.Close(d.fd)
	}
}

// openItemRoot opens an item's folder (rel has a trailing slash, e.g. "var/multigroups/") one
// element at a time from WAZUH_HOME, none of them a symbolic link; prefix (WAZUH_HOME with a
// trailing slash) may itself be one.
func openItemRoot(prefix, rel string) (*dirHandle, error) {
	fd, err := openRetry(prefix, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: prefix, Err: err}
	}
	d := newDirHandle(fd, prefix)
	for name := range strings.SplitSeq(strings.TrimSuffix(rel, "/"), "/") {
		child, err := d.openChild(name)
		d.release()
		if err != nil {
			return nil, err
		}
		d = child
	}
	return d, nil
}

// openChild opens the subfolder name, refusing a symbolic link (ErrSymlinkedFolder).
func (d *dirHandle) openChild(name string) (*dirHandle, error) {
	path := d.path + name + "/"
	for {
		fd, err := syscall.Openat(d.fd, name, dirOpenFlags, 0)
		switch {
		case err == nil:
			return newDirHandle(fd, path), nil
		case err == syscall.EINTR:
			continue
		case err == syscall.ELOOP || err == syscall.ENOTDIR:
			// With O_DIRECTORY, Linux reports a symbolic link as ENOTDIR rather than ELOOP.
			if st, statErr := d.lstat(nil, name); statErr == nil && st.mode&fs.ModeSymlink != 0 {
				return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlinkedFolder}
			}
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		default:
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
	}
}

// list calls fn with each entry of the folder but "." and "..", in directory order, until fn
// returns false. name is only valid during the call. buf is the getdents buffer.
func (d *dirHandle) list(buf []byte, fn func(name []byte, typ fs.FileMode) bool) error {
	for {
		n, err := syscall.Getdents(d.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "getdents", Path: d.path, Err: err}
		}
		if n <= 0 {
			return nil
		}
		for off := 0; off < n; {
			if n-off < direntHeader {
				return &fs.PathError{Op: "getdents", Path: d.path, Err: syscall.EIO}
			}
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < direntHeader || reclen > n-off {
				return &fs.PathError{Op: "getdents", Path: d.path, Err: syscall.EIO}
			}
			rec := buf[off : off+reclen]
			off += reclen
			name := rec[direntHeader:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if binary.NativeEndian.Uint64(rec) == 0 || len(name) == 0 || isDots(name) {
				continue
			}
			typ, known := direntType(rec[18])
			if !known {
				st, err := d.lstat(nil, string(name))
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				typ = st.mode
				if err != nil {
					typ = fs.ModeIrregular
				}
			}
			if !fn(name, typ) {
				return nil
			}
		}
	}
}

func isDots(name []byte) bool {
	return (len(name) == 1 && name[0] == '.') || (len(name) == 2 && name[0] == '.' && name[1] == '.')
}

// direntType maps d_type; DT_UNKNOWN (some filesystems never fill it) needs an lstat.
func direntType(t byte) (fs.FileMode, bool) {
	switch t {
	case syscall.DT_REG:
		return 0, true
	case syscall.DT_DIR:
		return fs.ModeDir, true
	case syscall.DT_LNK:
		return fs.ModeSymlink, true
	case syscall.DT_FIFO:
		return fs.ModeNamedPipe, true
	case syscall.DT_SOCK:
		return fs.ModeSocket, true
	case syscall.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case syscall.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

// lstat stats the entry name of the folder without following a symbolic link. scratch, when
// not nil, is reused to hold the NUL-terminated name, so the call allocates nothing.
func (d *dirHandle) lstat(scratch *[]byte, name string) (fileStat, error) {
	var local []byte
	if scratch == nil {
		scratch = &local
	}
	b := append(append((*scratch)[:0], name...), 0)
	*scratch = b
	var st syscall.Stat_t
	for {
		_, _, errno := syscall.Syscall6(sysFstatat, uintptr(d.fd), uintptr(unsafe.Pointer(&b[0])),
			uintptr(unsafe.Pointer(&st)), atSymlinkNoFollow, 0, 0)
		switch errno {
		case 0:
			return statFromSys(&st), nil
		case syscall.EINTR:
			continue
		default:
			return fileStat{}, &fs.PathError{Op: "lstat", Path: d.path + name, Err: errno}
		}
	}
}

// hashFile hashes the regular file name of the folder (see hashOpened).
func (d *dirHandle) hashFile(fh *fileHasher, done <-chan struct{}, name string) (string, fileStat, int64, error) {
	for {
		fd, err := syscall.Openat(d.fd, name, hashOpenFlags, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", fileStat{}, 0, openError(d.path+name, err)
		}
		return fh.hashOpened(done, fd, d.path+name)
	}
}
