package groupfiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// GroupFolders lists the groups under sharedDir, in name order: the folders whose names an
// agent can be assigned to (ValidateGroupName). Other entries are skipped.
func GroupFolders(sharedDir string) ([]string, error) {
	entries, err := os.ReadDir(sharedDir)
	if err != nil {
		return nil, fmt.Errorf("read shared folder %s: %w", sharedDir, err)
	}
	var groups []string
	for _, e := range entries {
		name := e.Name()
		if ValidateGroupName(name) != nil {
			continue
		}
		info, err := os.Stat(filepath.Join(sharedDir, name))
		if err != nil || !info.IsDir() {
			continue
		}
		groups = append(groups, name)
	}
	return groups, nil
}

// BuildAllMerged rebuilds the merged.mg of every group folder under sharedDir (GroupFolders)
// and returns the groups whose file changed, in name order. A failing group does not stop the
// others; all failures are returned joined.
func BuildAllMerged(sharedDir string) (changed []string, err error) {
	groups, err := GroupFolders(sharedDir)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, name := range groups {
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
