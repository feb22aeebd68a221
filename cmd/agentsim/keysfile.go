package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clusterd/clusterd/node/agentproto"
)

// writeClientKeys stores keys as a client.keys file (temp file, fsync, rename),
// so that a later run can reuse the agents with -keys.
func writeClientKeys(path string, keys []agentproto.Key) error {
	var text strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&text, "%s %s %s %s\n", k.ID, k.Name, k.IP, k.Raw)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".client.keys-*")
	if err != nil {
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text.String()); err != nil {
		tmp.Close()
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	if err := tmp.Chmod(0o640); err != nil {
		tmp.Close()
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write keys %s: %w", path, err)
	}
	return nil
}
