package actors

import (
	"os"
	"syscall"
)

// inodeOf tells a replaced file (renamed into place) from one rewritten in place with the same
// size and mtime.
func inodeOf(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // the field's type differs between platforms
	}
	return 0
}
