package fsutil

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Only the project's temporary files are removed: in subfolders when asked, never through a
// symbolic link, and never a file of another name.
func TestRemoveTempFiles(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(root, rel string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ours := []string{".merged.mg.tmp-123", "g/.merged.mg.clusterd-9.tmp", "g/h/.agent.conf.tmp77"}
	others := []string{"merged.mg", ".notes.tmp", "g/.agent.conf.tmp", "g/merged.mg.tmp-1"}
	for _, rel := range append(slices.Clone(ours), others...) {
		write(dir, rel)
	}
	write(outside, ".x.tmp-1")
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}

	removed, err := RemoveTempFiles(dir, false)
	if err != nil || len(removed) != 1 || removed[0] != filepath.Join(dir, ".merged.mg.tmp-123") {
		t.Fatalf("not recursive: removed %v, %v", removed, err)
	}
	removed, err = RemoveTempFiles(dir, true)
	if err != nil || len(removed) != 2 {
		t.Fatalf("recursive: removed %v, %v", removed, err)
	}
	for _, rel := range ours {
		if _, err := os.Stat(filepath.Join(dir, rel)); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", rel, err)
		}
	}
	for _, rel := range others {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("%s removed: %v", rel, err)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, ".x.tmp-1")); err != nil {
		t.Errorf("followed a symbolic link: %v", err)
	}
	if removed, err := RemoveTempFiles(filepath.Join(dir, "missing"), true); err != nil || len(removed) != 0 {
		t.Errorf("missing folder: %v, %v", removed, err)
	}
}
