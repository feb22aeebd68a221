package integrity

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// hashOpenFlags open a file to hash without following a final symbolic link, and without
// blocking should a FIFO have been put in place of the file since it was listed (the type is
// checked on the open descriptor).
const hashOpenFlags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// hashRegular hashes the regular file at path to its end and returns the digest, the stat of
// the file actually read, and the number of bytes hashed. A receive on done between reads
// abandons the file (done may be nil).
func (fh *fileHasher) hashRegular(done <-chan struct{}, path string) (string, fileStat, int64, error) {
	fd, err := openRetry(path, hashOpenFlags)
	if err != nil {
		return "", fileStat{}, 0, openError(path, err)
	}
	return fh.hashOpened(done, fd, path)
}

// openError reports a failed open of a file to hash; ELOOP is the symbolic link O_NOFOLLOW
// refused.
func openError(path string, err error) error {
	if errors.Is(err, syscall.ELOOP) {
		return fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	return &fs.PathError{Op: "open", Path: path, Err: err}
}

// hashOpened hashes the file open on fd (path names it in errors) and closes fd. It works on
// the raw descriptor: an os.File would cost a poller registration attempt and a cleanup per
// file, which shows when tens of thousands of small files are hashed.
func (fh *fileHasher) hashOpened(done <-chan struct{}, fd int, path string) (string, fileStat, int64, error) {
	defer syscall.Close(fd)
	var sys syscall.Stat_t
	if err := fstatRetry(fd, &sys); err != nil {
		return "", fileStat{}, 0, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	st := statFromSys(&sys)
	if !st.regular() {
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
		n, err := syscall.Read(fd, fh.buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", st, total, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n <= 0 {
			break
		}
		fh.h.Write(fh.buf[:n])
		total += int64(n)
	}
	return fh.digest(), st, total, nil
}

func openRetry(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func fstatRetry(fd int, st *syscall.Stat_t) error {
	for {
		err := syscall.Fstat(fd, st)
		if err != syscall.EINTR {
			return err
		}
	}
}
