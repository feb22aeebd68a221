package integrity

import "io/fs"

// fileStat is what one lstat (or fstat) tells the scanner about a directory entry.
type fileStat struct {
	mode      fs.FileMode // type bits only
	size      int64
	mtimeSec  int64
	mtimeNsec int64
	ctimeNs   int64  // 0 where the platform does not expose it
	ino       uint64 // 0 where the platform does not expose it
}

func (s fileStat) regular() bool { return s.mode.Type() == 0 }

// modTime is the mtime as Python's os.stat().st_mtime computes it (CPython's fill_time:
// sec + nsec * 1e-9 in double precision), so a value this package writes is the one a Python
// node would write for the same file. The explicit conversion keeps the compiler from fusing
// the multiply and the add, which would round differently on some architectures.
func (s fileStat) modTime() float64 {
	return float64(s.mtimeSec) + float64(float64(s.mtimeNsec)*1e-9)
}

func (s fileStat) mtimeNs() int64 { return s.mtimeSec*1e9 + s.mtimeNsec }

// identity is the part of the stat that changes whenever the contents may have: size and
// mtime, plus ctime and inode, which an mtime restored by touch, cp -p or tar cannot reset.
func (s fileStat) identity() fileIdentity {
	return fileIdentity{size: s.size, mtimeNs: s.mtimeNs(), ctimeNs: s.ctimeNs, ino: s.ino}
}

type fileIdentity struct {
	size    int64
	mtimeNs int64
	ctimeNs int64
	ino     uint64
}
