package groupfiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// mergedName is SHAREDCFG_FILENAME; every entry whose name starts with it (merged.mg.tmp, …) is
// left out of a group's content.
const mergedName = "merged.mg"

// sharedFile is one file of a group folder, named by its slash-separated path relative to it.
type sharedFile struct {
	rel  string
	data []byte
}

// readGroupFiles lists the files remoted merges from a group folder (validate_shared_files):
// entries sorted by name at each level, hidden entries and merged.mg* skipped, sub-folders
// entered (symbolic links followed, as stat does), binary files skipped, anything that is neither
// a folder nor a regular file ignored.
func readGroupFiles(dir string) ([]sharedFile, error) {
	var files []sharedFile
	if err := walkGroup(dir, "", &files); err != nil {
		return nil, err
	}
	return files, nil
}

func walkGroup(dir, rel string, files *[]sharedFile) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read group folder %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, mergedName) {
			continue
		}
		full := filepath.Join(dir, name)
		info, err := os.Stat(full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed meanwhile, or a dangling link
			}
			return fmt.Errorf("stat %s: %w", full, err)
		}
		relName := path.Join(rel, name)
		switch {
		case info.IsDir():
			if err := walkGroup(full, relName, files); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			data, err := os.ReadFile(full)
			if err != nil {
				return fmt.Errorf("read shared file %s: %w", full, err)
			}
			if !isWazuhBinary(data) {
				*files = append(*files, sharedFile{rel: relName, data: data})
			}
		}
	}
	return nil
}

// groupFolder returns <sharedDir>/<group> after checking the name and that it is a folder.
func groupFolder(sharedDir, group string) (string, error) {
	if err := ValidateGroupName(group); err != nil {
		return "", fmt.Errorf("group %q: %w", group, err)
	}
	dir := filepath.Join(sharedDir, group)
	info, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("group %q: %w", group, ErrNotGroupFolder)
		}
		return "", fmt.Errorf("stat group folder %s: %w", dir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("group %q: %w", group, ErrNotGroupFolder)
	}
	return dir, nil
}
