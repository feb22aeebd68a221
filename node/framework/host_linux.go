package framework

import "syscall"

// hostUname is the manager's os_uname ("Linux |<host> |<release> |<version> |<machine>", as
// Wazuh writes it) and its machine.
func hostUname(host string) (uname, arch string) {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return "", machine()
	}
	text := func(f [65]int8) string {
		b := make([]byte, 0, len(f))
		for _, c := range f {
			if c == 0 {
				break
			}
			b = append(b, byte(c))
		}
		return string(b)
	}
	arch = text(u.Machine)
	return text(u.Sysname) + " |" + host + " |" + text(u.Release) + " |" + text(u.Version) + " |" + arch, arch
}
