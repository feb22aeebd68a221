//go:build unix

package pyframework

import "syscall"

// groupAttr starts the process in a process group of its own, so that killing the group ends
// the processes it forked too (the framework's process pools), and a terminal's signals meant
// for clusterd do not reach it: clusterd stops it.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills the process group led by pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
