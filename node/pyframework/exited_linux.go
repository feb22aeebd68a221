package pyframework

import (
	"errors"

	"golang.org/x/sys/unix"
)

// waitExited returns once process pid has exited, without reaping it, and true: while it is
// a zombie its process group id cannot be taken by another process, so what is left of the
// group can still be killed safely.
func waitExited(pid int) bool {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return err == nil
		}
	}
}
