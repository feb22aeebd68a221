package shared

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// BuildAllMerged rebuilds the merged.mg of every group folder under sharedDir and returns the
// groups whose file changed, in name order. Entries that are not folders, and folders whose
// names no agent can be assigned to (ValidateGroupName), are skipped. A failing group does not
// stop the others; all failures are returned joined.
func BuildAllMerged(sharedDir string) (changed []string, err error) {
	entries, err := os.ReadDir(sharedDir)
	if err != nil {
		return nil, fmt.Errorf("read shared folder %s: %w", sharedDir, err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if ValidateGroupName(name) != nil {
			continue
		}
		info, err := os.Stat(filepath.Join(sharedDir, name))
		if err != nil || !info.IsDir() {
			continue
		}
		_, groupChanged, err := BuildMerged(sharedDir, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("build merged.mg of group %s: %w", name, err))
			continue
		}
		if groupChanged {
			changed = append(changed, name)
		}
	}
	return changed, errors.Join(errs...)
}
