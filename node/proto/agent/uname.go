package agentproto

import "strings"

// Architectures remoted looks for in a Unix uname, in this order.
var knownArchs = []string{"x86_64", "i386", "i686", "sparc", "amd64", "i86pc", "ia64", "AIX", "armv6", "armv7", "aarch64", "arm64"}

// parseUname splits a keepalive's uname as remoted's parse_uname_string does.
//
//	Unix:    <sysname> |<node> |<release> |<version> |<machine> [<os name>|<platform>: <version> (<codename>)]
//	Windows: <os name> [Ver: <major>.<minor>.<build>] |<node> |<arch>
//
// Uname becomes the text before " [Ver: " / " [".
func parseUname(uname string) OSInfo {
	var o OSInfo
	if name, rest, ok := strings.Cut(uname, " [Ver: "); ok {
		o.Uname, o.Name, o.Platform = name, name, "windows"
		version := rest
		if v, after, ok := strings.Cut(rest, "]"); ok {
			version = v
			o.Arch = windowsArch(after)
		} else {
			version = dropLast(rest)
		}
		o.Version = version
		o.Major, o.Minor, o.Build = leadingVersion(version)
		return o
	}

	o.Uname = uname
	if head, osPart, ok := strings.Cut(uname, " ["); ok {
		o.Uname = head
		name := osPart
		if n, version, ok := strings.Cut(osPart, ": "); ok {
			name = n
			version = dropLast(version) // the closing ']'
			if v, codename, ok := strings.Cut(version, " ("); ok {
				version = v
				o.Codename = dropLast(codename) // the closing ')'
			}
			o.Version = version
			o.Major, o.Minor, _ = leadingVersion(version)
			if o.Minor == "" {
				o.Minor = suseServicePack(version)
			}
		} else {
			name = dropLast(name)
		}
		if n, platform, ok := strings.Cut(name, "|"); ok {
			name, o.Platform = n, platform
		}
		o.Name = name
	}
	for _, a := range knownArchs {
		if strings.Contains(o.Uname, a) {
			o.Arch = a
			break
		}
	}
	return o
}

// windowsArch reads the architecture after "] |<node> |": up to a space or '-'.
func windowsArch(after string) string {
	_, rest, ok := strings.Cut(after, " |")
	if !ok {
		return ""
	}
	_, arch, ok := strings.Cut(rest, " |")
	if !ok {
		return ""
	}
	arch = strings.TrimLeft(arch, " ")
	if i := strings.IndexAny(arch, " -"); i >= 0 {
		arch = arch[:i]
	}
	return arch
}

// dropLast removes the last byte (the closing bracket remoted assumes is there).
func dropLast(s string) string {
	if s == "" {
		return s
	}
	return s[:len(s)-1]
}

// leadingVersion returns the numeric fields of "major[.minor[.build…]]" as
// remoted's regular expressions read them; build keeps further ".n" parts.
func leadingVersion(v string) (major, minor, build string) {
	major, rest := leadingDigits(v)
	if major == "" {
		return "", "", ""
	}
	rest, ok := strings.CutPrefix(rest, ".")
	if !ok {
		return major, "", ""
	}
	minor, rest = leadingDigits(rest)
	if minor == "" {
		return major, "", ""
	}
	rest, ok = strings.CutPrefix(rest, ".")
	if !ok {
		return major, minor, ""
	}
	first, _ := leadingDigits(rest)
	if first == "" {
		return major, minor, ""
	}
	end := len(first)
	for {
		next, ok := strings.CutPrefix(rest[end:], ".")
		if !ok {
			break
		}
		d, _ := leadingDigits(next)
		if d == "" {
			break
		}
		end += 1 + len(d)
	}
	return major, minor, rest[:end]
}

// suseServicePack reads the minor version of SUSE's "15-SP7" form.
func suseServicePack(v string) string {
	major, rest := leadingDigits(v)
	if major == "" || len(rest) < 3 || rest[0] != '-' || (rest[1] != 'S' && rest[1] != 's') || (rest[2] != 'P' && rest[2] != 'p') {
		return ""
	}
	sp, _ := leadingDigits(rest[3:])
	return sp
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
