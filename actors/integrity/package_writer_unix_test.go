//go:build unix

package integrity

import (
	"bytes"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPackageWriterSkipsSpecialFiles: a FIFO is unreadable, not a read that never ends.
func TestPackageWriterSkipsSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	pw := NewPackageWriter(&bytes.Buffer{}, 1, 0)
	if added, err := pw.AddFile("etc/rules/fifo.xml", fifo); added || !errors.Is(err, ErrUnreadableFile) {
		t.Errorf("AddFile(fifo) = %v, %v", added, err)
	}
}
