package standin

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// frameworkTree is the stand-in of the manager's Python framework (framework/README.md).
//
//go:embed all:framework
var frameworkTree embed.FS

// WriteFramework writes the stand-in of the Wazuh framework's Python packages (wazuh, api)
// under dir, for a process that runs it with the system's python3 and dir first on sys.path
// (FrameworkEnv says how it finds its home and node). The tests write it where they like, so
// the interpreter's caches never land in the source tree.
func WriteFramework(dir string) error {
	return fs.WalkDir(frameworkTree, "framework", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel("framework", path)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		data, err := frameworkTree.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o640); err != nil {
			return fmt.Errorf("stand-in framework: %w", err)
		}
		return nil
	})
}

// FrameworkEnv is the environment the stand-in framework reads: its home (WAZUH_PATH, which
// the real framework derives from where it is installed) and this node's name and type.
func FrameworkEnv(home, nodeName, nodeType string) []string {
	return []string{"STUB_WAZUH_PATH=" + home, "STUB_NODE_NAME=" + nodeName, "STUB_NODE_TYPE=" + nodeType}
}
