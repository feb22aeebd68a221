package standin

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteInstall lays out what makes home a Wazuh install as the installer leaves it for
// clusterd to recognise: bin/wazuh-control with its installation variables (version
// "v4.14.7", typ "server" for a manager, "agent" or "local" otherwise), as
// src/init/wazuh-server.sh is installed. The script only prints its usage.
func WriteInstall(home, version, typ string) error {
	script := fmt.Sprintf(`#!/bin/sh
# Stand-in of a Wazuh install's wazuh-control (src/init/wazuh-server.sh).
LOCAL=`+"`dirname $0`"+`;

# Installation info
VERSION=%q
REVISION="rc1"
TYPE=%q

echo "Usage: $0 [-j] {start|stop|restart|status|enable|disable|info [-v -r -t]}"
exit 1
`, version, typ)
	bin := filepath.Join(home, "bin")
	if err := os.MkdirAll(bin, 0o750); err != nil {
		return fmt.Errorf("stand-in install: %w", err)
	}
	if err := os.WriteFile(filepath.Join(bin, "wazuh-control"), []byte(script), 0o750); err != nil {
		return fmt.Errorf("stand-in install: %w", err)
	}
	return nil
}
