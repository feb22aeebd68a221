package framework

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strings"
	"time"
)

// HostManager describes this host as the manager's row (000) of the agent table says it: the
// host name, the node, the Wazuh version, and the operating system from /etc/os-release and
// uname, as the manager's own daemons report them. added is the row's dateAdd.
func HostManager(nodeName, version string, added time.Time) Manager {
	host, _ := os.Hostname()
	m := Manager{Name: host, NodeName: nodeName, Version: "Wazuh v" + version, DateAdd: added.UTC().Truncate(time.Second)}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		m.OS = parseOSRelease(b)
	}
	m.OS.Uname, m.OS.Arch = hostUname(host)
	return m
}

// parseOSRelease reads the fields of an os-release file the agent table keeps: NAME,
// VERSION (without its code name in parentheses), VERSION_ID as major and minor, ID as the
// platform, VERSION_CODENAME.
func parseOSRelease(b []byte) HostOS {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		kv[k] = strings.Trim(v, `"'`)
	}
	os := HostOS{Name: kv["NAME"], Platform: kv["ID"], Codename: kv["VERSION_CODENAME"]}
	os.Version, _, _ = strings.Cut(kv["VERSION"], " (")
	if os.Version == "" {
		os.Version = kv["VERSION_ID"]
	}
	parts := strings.SplitN(kv["VERSION_ID"], ".", 3)
	os.Major = parts[0]
	if len(parts) > 1 {
		os.Minor = parts[1]
	}
	return os
}

// goArchMachine is uname's machine for Go's architecture names, where they differ.
var goArchMachine = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}

func machine() string {
	if m, ok := goArchMachine[runtime.GOARCH]; ok {
		return m
	}
	return runtime.GOARCH
}
