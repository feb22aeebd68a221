//go:build !linux

package framework

// hostUname has no uname to read on this system: the machine only.
func hostUname(string) (uname, arch string) { return "", machine() }
