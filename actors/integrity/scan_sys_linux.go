package integrity

import (
	"io/fs"
	"syscall"
)

func statFromSys(st *syscall.Stat_t) fileStat {
	return fileStat{
		mode:      sysFileType(st.Mode),
		size:      st.Size,
		mtimeSec:  int64(st.Mtim.Sec),
		mtimeNsec: int64(st.Mtim.Nsec),
		ctimeNs:   int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec),
		ino:       st.Ino,
	}
}

func sysFileType(mode uint32) fs.FileMode {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	default:
		return fs.ModeDevice
	}
}

// statHasChangeTime says whether fileStat carries ctime and inode on this platform.
const statHasChangeTime = true

// lstatPath stats path without following a final symbolic link.
//
//lint:ignore U1000 used by the path-based walker on Linux architectures without the directory-handle walker
func lstatPath(path string) (fileStat, error) {
	var sys syscall.Stat_t
	for {
		err := syscall.Lstat(path, &sys)
		if err == nil {
			return statFromSys(&sys), nil
		}
		if err != syscall.EINTR {
			return fileStat{}, &fs.PathError{Op: "lstat", Path: path, Err: err}
		}
	}
}
