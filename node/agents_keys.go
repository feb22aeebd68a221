package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clusterd/clusterd/node/store"
)

// keysFile is etc/client.keys under a home.
func keysFile(home string) string { return filepath.Join(home, "etc", "client.keys") }

// keysImporter loads etc/client.keys into the store (actors.KeysImporter): on a worker after
// the master's copy arrives, and on any node at start when its store is new (an existing
// Wazuh installation's agents are taken over).
type keysImporter struct {
	st   *store.Store
	path string
}

func (k keysImporter) ImportKeys(ctx context.Context) error {
	f, err := os.Open(k.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open client.keys: %w", err)
	}
	defer f.Close()
	entries, err := store.ParseClientKeys(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", k.path, err)
	}
	if _, _, _, err := k.st.ImportClientKeys(ctx, entries); err != nil {
		return fmt.Errorf("import %s: %w", k.path, err)
	}
	return nil
}
