package integrity

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// vectorsDir holds the integrity vectors (trees and the metadata real Wazuh nodes computed).
const vectorsDir = "../../testdata/vectors/integrity"

// vectorTime is the mtime the vectors' metadata was computed with.
var vectorTime = time.Unix(1700000000, 0)

// copyVectorTree copies trees/<name> into a fresh WAZUH_HOME, every file writable and with
// mtime vectorTime, and returns that home.
func copyVectorTree(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(vectorsDir, "trees", name)
	home := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(home, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(dst, vectorTime, vectorTime)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return home
}

// writeFile creates home/rel (and its folders) with data and the given mtime.
func writeFile(t *testing.T, home, rel, data string, mtime time.Time) string {
	t.Helper()
	p := filepath.Join(home, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return p
}

func readVector(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustScan(t *testing.T, s *Scanner, prev Metadata) (Metadata, ScanStats) {
	t.Helper()
	meta, stats, err := s.Scan(context.Background(), prev)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if stats.Files != int64(len(meta)) {
		t.Fatalf("stats.Files = %d, want %d", stats.Files, len(meta))
	}
	return meta, stats
}
