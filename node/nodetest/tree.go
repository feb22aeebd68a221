package nodetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clusterd/clusterd/actors/integrity"
)

// FileState is what convergence compares for one synced file.
type FileState struct {
	SHA256 string
	Mode   fs.FileMode
}

// SyncedTree lists the files of home that integrity synchronises (by Wazuh's files table),
// with their content hash and permissions.
func SyncedTree(home string) (map[string]FileState, error) {
	out := map[string]FileState{}
	for _, it := range integrity.Items {
		root := filepath.Join(home, filepath.FromSlash(it.Key))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				if path != root && !it.Recursive {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !it.Takes(d.Name()) || integrity.Excluded(d.Name()) {
				return nil
			}
			rel, _ := filepath.Rel(home, path)
			body, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			out[filepath.ToSlash(rel)] = FileState{SHA256: hex.EncodeToString(sum[:]), Mode: info.Mode().Perm()}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SameFiles compares the synced files of two homes by path and content; modes are compared
// against want (the modes a worker must give files, by folder) when checkModes is set.
func SameFiles(master, worker string, checkModes bool) error {
	m, err := SyncedTree(master)
	if err != nil {
		return err
	}
	w, err := SyncedTree(worker)
	if err != nil {
		return err
	}
	var problems []string
	for p, fm := range m {
		fw, ok := w[p]
		switch {
		case !ok:
			problems = append(problems, "missing "+p)
		case fw.SHA256 != fm.SHA256:
			problems = append(problems, "different "+p)
		case checkModes && fw.Mode != itemMode(p):
			problems = append(problems, fmt.Sprintf("mode %v of %s, want %v", fw.Mode, p, itemMode(p)))
		}
	}
	for p := range w {
		if _, ok := m[p]; !ok {
			problems = append(problems, "extra "+p)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// itemMode is the mode a worker gives a synced file: the permissions of its folder's item.
func itemMode(rel string) fs.FileMode {
	best := integrity.Item{}
	for _, it := range integrity.Items {
		if strings.HasPrefix(rel, it.Key) && len(it.Key) > len(best.Key) {
			best = it
		}
	}
	return best.Permissions
}

// WriteFile writes a file under a member's home, creating folders.
func (m *Member) WriteFile(rel, body string) error {
	path := filepath.Join(m.Home, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(body), 0o660)
}
