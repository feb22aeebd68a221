package integrity

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/clusterd/clusterd/messages/poll"
)

func TestScanCancelledBeforeStart(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	meta, _, err := (&Scanner{Home: copyVectorTree(t, "master")}).Scan(ctx, nil)
	if !errors.Is(err, context.Canceled) || meta != nil {
		t.Errorf("Scan = %v, %v; want nil, context.Canceled", meta, err)
	}
}

// TestScanCancelMidway cancels a scan that would hash for seconds (sparse files: large, but
// instant to create) and expects it to return promptly, with every goroutine ended and the
// cache of the previous scan kept.
func TestScanCancelMidway(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	home := t.TempDir()
	writeFile(t, home, "etc/rules/small.xml", "x", vectorTime)
	s := &Scanner{Home: home, Workers: 2}
	first, _ := mustScan(t, s, nil)

	for _, name := range []string{"a", "b", "c", "d"} {
		p := filepath.Join(home, "etc/shared/big", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(2 << 30); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}

	fdsBefore := openFiles(t)
	ctx, cancel := context.WithCancel(context.Background())
	type outcome struct {
		meta  Metadata
		stats ScanStats
		err   error
	}
	result := make(chan outcome, 1)
	go func() {
		meta, stats, err := s.Scan(ctx, first)
		result <- outcome{meta, stats, err}
	}()
	// Cancel once a big file is being read, observed through /proc rather than guessed.
	waitForOpenFile(t, filepath.Join(home, "etc/shared/big"))
	cancel()
	cancelled := time.Now()
	select {
	case r := <-result:
		if !errors.Is(r.err, context.Canceled) || r.meta != nil {
			t.Fatalf("Scan = %v, %v; want nil, context.Canceled", r.meta, r.err)
		}
		if r.stats.BytesHashed >= 8<<30 {
			t.Errorf("hashed everything (%d bytes) despite the cancel", r.stats.BytesHashed)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Scan did not return within 5s of the cancel")
	}
	if waited := time.Since(cancelled); waited > time.Second {
		t.Errorf("Scan returned %v after the cancel, want well under a second", waited)
	}
	if fds := openFiles(t); fds != fdsBefore {
		t.Errorf("%d descriptors open after the cancelled scan, %d before", fds, fdsBefore)
	}

	// The cache still describes the tree of the first scan: the small file is not re-read.
	if err := os.RemoveAll(filepath.Join(home, "etc/shared/big")); err != nil {
		t.Fatal(err)
	}
	if _, stats := mustScan(t, s, first); stats.Hashed != 0 {
		t.Errorf("after a cancelled scan: hashed %d, want 0", stats.Hashed)
	}
}

// waitForOpenFile polls /proc/self/fd until this process has a file under dir open.
func waitForOpenFile(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd to observe the scan")
	}
	// Polled every millisecond: the scan holds each file open only briefly.
	poll.Every(time.Millisecond).Until(t, 5*time.Second, "a file under "+dir+" to be opened", func() bool {
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
			if err == nil && strings.HasPrefix(target, dir+"/") {
				return true
			}
		}
		return false
	})
}
