package main

import (
	"fmt"
	"strings"

	"github.com/clusterd/clusterd/node/fsutil"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// writeClientKeys stores keys as a client.keys file (temp file, fsync, rename),
// so that a later run can reuse the agents with -keys.
func writeClientKeys(path string, keys []agentproto.Key) error {
	var text strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&text, "%s %s %s %s\n", k.ID, k.Name, k.IP, k.Raw)
	}
	if err := fsutil.WriteFileAtomic(path, []byte(text.String()), 0o640); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	return nil
}
