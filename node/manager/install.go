package manager

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotManager says the home holds no Wazuh manager install.
var ErrNotManager = errors.New("not a Wazuh manager install")

// maxControlScript bounds what is read of bin/wazuh-control: its installation variables are
// in its first lines.
const maxControlScript = 64 << 10

// Install is a Wazuh install found under a home.
type Install struct {
	Home    string
	Version string // "v4.14.7", as wazuh-control says it
	Type    string // "server" on a manager, "agent" or "local" otherwise
}

// ControlPath is where a Wazuh install keeps wazuh-control.
func ControlPath(home string) string { return filepath.Join(home, "bin", "wazuh-control") }

// DetectInstall tells whether home is a Wazuh manager install. Every Wazuh install (manager,
// agent, local) has bin/wazuh-control, the shell script the installer writes with its
// installation variables (VERSION="v4.14.7", TYPE="server"); a manager's says TYPE="server".
// The error wraps ErrNotManager when home holds no manager; any other error says the
// question could not be answered (the script cannot be read).
func DetectInstall(home string) (Install, error) {
	path := ControlPath(home)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Install{}, fmt.Errorf("%w: no %s", ErrNotManager, path)
	}
	if err != nil {
		return Install{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	in := Install{Home: home}
	sc := bufio.NewScanner(io.LimitReader(f, maxControlScript))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		value = strings.Trim(value, `"'`)
		switch name {
		case "VERSION":
			in.Version = value
		case "TYPE":
			in.Type = value
		}
	}
	if err := sc.Err(); err != nil {
		return Install{}, fmt.Errorf("read %s: %w", path, err)
	}
	if in.Type != "server" {
		return in, fmt.Errorf("%w: %s says TYPE=%q", ErrNotManager, path, in.Type)
	}
	return in, nil
}
