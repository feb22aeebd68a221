//go:build !linux

package integrity

import (
	"io/fs"
	"os"
)

// statHasChangeTime says whether fileStat carries ctime and inode on this platform.
const statHasChangeTime = false

// lstatPath stats path without following a final symbolic link.
func lstatPath(path string) (fileStat, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return fileStat{}, err
	}
	return statFromInfo(info), nil
}

// statFromInfo is the portable fallback for platforms without raw stat access: no ctime and
// no inode, so the cache relies on size and mtime there.
func statFromInfo(info fs.FileInfo) fileStat {
	mt := info.ModTime()
	return fileStat{
		mode:      info.Mode().Type(),
		size:      info.Size(),
		mtimeSec:  mt.Unix(),
		mtimeNsec: int64(mt.Nanosecond()),
	}
}
