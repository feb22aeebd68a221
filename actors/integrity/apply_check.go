package integrity

import (
	"fmt"
	"maps"
	"path"
	"slices"

	"github.com/clusterd/clusterd/messages"
)

// CheckWorkerFiles refuses files received from a worker that a master never takes from one
// (Wazuh's process_files_from_worker): client.keys (error 3007) and excluded files.
func CheckWorkerFiles(files map[string]string) error {
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		if path.Base(rel) == "client.keys" {
			return fmt.Errorf("%s: %w", rel, messages.ErrClientKeysOnMaster.New())
		}
		if Excluded(rel) {
			return fmt.Errorf("%w: %s", ErrExcludedFile, rel)
		}
	}
	return nil
}
