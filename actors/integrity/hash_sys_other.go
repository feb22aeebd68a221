//go:build !linux

package integrity

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// hashRegular hashes the regular file at path to its end and returns the digest, the stat of
// the file read, and the number of bytes hashed. Without O_NOFOLLOW in the portable API, the
// file is checked with Lstat before opening and the descriptor must name the same file.
// A receive on done between reads abandons the file (done may be nil).
func (fh *fileHasher) hashRegular(done <-chan struct{}, path string) (string, fileStat, int64, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return "", fileStat{}, 0, err
	}
	if !before.Mode().IsRegular() {
		return "", statFromInfo(before), 0, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fileStat{}, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fileStat{}, 0, err
	}
	st := statFromInfo(info)
	if !info.Mode().IsRegular() || !os.SameFile(before, info) {
		return "", st, 0, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}

	fh.h.Reset()
	var total int64
	for {
		select {
		case <-done:
			return "", st, total, errScanCancelled
		default:
		}
		n, err := f.Read(fh.buf)
		fh.h.Write(fh.buf[:n])
		total += int64(n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", st, total, err
		}
	}
	return fh.digest(), st, total, nil
}
