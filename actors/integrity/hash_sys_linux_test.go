package integrity

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestHashFileFIFODoesNotBlock: a FIFO put where a file was expected must be refused at once,
// not wait forever for a writer.
func TestHashFileFIFODoesNotBlock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := HashFile(p); !errors.Is(err, ErrNotRegular) {
		t.Errorf("HashFile(fifo) error = %v, want ErrNotRegular", err)
	}
}
