//go:build linux && (amd64 || arm64)

package integrity

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is Linux's SYNC_FILE_RANGE_WRITE: start writing the dirty pages back,
// without waiting for them.
const syncFileRangeWrite = 2

// startWriteback asks the kernel to start writing f's data to disk now. Apply syncs every file
// before renaming it into place; a file already on its way to disk (written while the rest of
// the package was still arriving) makes that sync short, where syncing a whole package's worth
// of dirty pages at the end would take seconds. It is only a hint: errors are ignored.
func startWriteback(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, 0, 0, syncFileRangeWrite, 0, 0)
	})
}
