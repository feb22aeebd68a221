package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clusterd/clusterd/node/daemon/wazuhdb"
	"github.com/clusterd/clusterd/node/proto/clientkeys"
)

// keysFile is etc/client.keys under a home.
func keysFile(home string) string { return filepath.Join(home, "etc", "client.keys") }

// keysImporter loads etc/client.keys into the store (actors.KeysImporter): on a worker after
// the master's copy arrives, and on any node at start when its store is new (an existing
// Wazuh installation's agents are taken over).
type keysImporter struct {
	st   *wazuhdb.Store
	path string
}

// ImportKeys is the worker's: in batches that each keep what they applied and each end after
// step, so that an import cut short goes on the next time rather than starting over.
func (k keysImporter) ImportKeys(ctx context.Context, step time.Duration) error {
	entries, err := k.read()
	if err != nil {
		return err
	}
	if _, _, _, err := k.st.SyncClientKeys(ctx, entries, step); err != nil {
		return fmt.Errorf("import %s: %w", k.path, err)
	}
	return nil
}

// read parses client.keys; a missing file has no entry.
func (k keysImporter) read() ([]clientkeys.Entry, error) {
	f, err := os.Open(k.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open client.keys: %w", err)
	}
	defer f.Close()
	entries, err := clientkeys.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", k.path, err)
	}
	return entries, nil
}

func (k keysImporter) importEntries(ctx context.Context, entries []clientkeys.Entry) error {
	if _, _, _, err := k.st.ImportClientKeys(ctx, entries); err != nil {
		return fmt.Errorf("import %s: %w", k.path, err)
	}
	return nil
}

// activeKeys counts the agents client.keys lists (removed entries are not agents).
func activeKeys(entries []clientkeys.Entry) int {
	n := 0
	for _, e := range entries {
		if !e.Removed {
			n++
		}
	}
	return n
}
