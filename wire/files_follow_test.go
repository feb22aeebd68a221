package wire

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"
)

// followedKey is the package path the tests' followers keep (followOne).
const followedKey = "/queue/cluster/worker1/pkg.zip"

// followOne makes rc's follower keep the files at followedKey it is told about.
func followOne(rc *FileReceiver) <-chan *FollowedFile {
	got := make(chan *FollowedFile, 4)
	rc.Follow(func(key string, f *FollowedFile) {
		if key == followedKey {
			got <- f
		}
	})
	return got
}

// newFollowedReceiver returns a receiver with limits in a fresh tree, closed when the test
// ends, and the files its follower keeps (followOne).
func newFollowedReceiver(t *testing.T, limits FileReceiverLimits) (fileTestTree, *FileReceiver, <-chan *FollowedFile) {
	t.Helper()
	tree := newFileTestTree(t)
	rc := NewFileReceiverWithLimits(tree.home, limits)
	t.Cleanup(rc.Close)
	return tree, rc, followOne(rc)
}

// readResult reads r to its end in the background.
func readResult(r io.Reader) <-chan struct {
	data []byte
	err  error
} {
	out := make(chan struct {
		data []byte
		err  error
	}, 1)
	go func() {
		data, err := io.ReadAll(r)
		out <- struct {
			data []byte
			err  error
		}{data, err}
	}()
	return out
}

func mustHandle(t *testing.T, rc *FileReceiver, command string, payload []byte, wantCmd string) {
	t.Helper()
	if cmd, resp := rc.Handle(command, payload); cmd != wantCmd {
		t.Fatalf("%s: %s %q, want %s", command, cmd, resp, wantCmd)
	}
}

// A follower reads the file while it arrives, and sees its end only once file_end checked it.
func TestFollowedFileReadsWhileReceiving(t *testing.T) {
	_, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	key := followedKey
	mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK)
	f := <-got
	r := f.Reader(context.Background())
	defer r.Close()

	first := bytes.Repeat([]byte("a"), 1000)
	mustHandle(t, rc, CommandFileUpd, append([]byte(key+" "), first...), replyOK)
	buf := make([]byte, 4096)
	n, err := io.ReadAtLeast(r, buf, len(first))
	if err != nil || !bytes.Equal(buf[:n], first) {
		t.Fatalf("read %d bytes (%v) while receiving, want the first piece", n, err)
	}
	rest := readResult(r)
	second := []byte("second piece")
	mustHandle(t, rc, CommandFileUpd, append([]byte(key+" "), second...), replyOK)
	select {
	case res := <-rest:
		t.Fatalf("the reader ended (%v) before file_end", res.err)
	case <-time.After(50 * time.Millisecond):
	}
	sum := sha256.Sum256(append(first, second...))
	mustHandle(t, rc, CommandFileEnd, append([]byte(key+" "), sum[:]...), replyOK)
	res := <-rest
	if res.err != nil || !bytes.Equal(res.data, second) {
		t.Fatalf("rest = %q, %v; want %q", res.data, res.err, second)
	}
}

// A transfer that ends badly ends its readers with an error, never with io.EOF.
func TestFollowedFileFailures(t *testing.T) {
	key := followedKey
	for name, end := range map[string]func(rc *FileReceiver){
		"checksum mismatch": func(rc *FileReceiver) {
			wrong := sha256.Sum256([]byte("other"))
			mustHandle(t, rc, CommandFileEnd, append([]byte(key+" "), wrong[:]...), replyErr)
		},
		"connection lost": func(rc *FileReceiver) { rc.Close() },
		"new_file again":  func(rc *FileReceiver) { mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK) },
		"idle too long":   func(rc *FileReceiver) { rc.Sweep(time.Now().Add(time.Hour)) },
	} {
		t.Run(name, func(t *testing.T) {
			_, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
			mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK)
			r := (<-got).Reader(context.Background())
			defer r.Close()
			mustHandle(t, rc, CommandFileUpd, []byte(key+" data"), replyOK)
			res := readResult(r)
			end(rc)
			if out := <-res; out.err == nil {
				t.Fatalf("read %q and a clean end", out.data)
			}
		})
	}
}

// A reader waiting for bytes gives up with its context.
func TestFollowedFileReaderCancelled(t *testing.T) {
	_, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	mustHandle(t, rc, CommandNewFile, []byte(followedKey), replyNewFileOK)
	ctx, cancel := context.WithCancel(context.Background())
	r := (<-got).Reader(ctx)
	defer r.Close()
	res := readResult(r)
	cancel()
	if out := <-res; !errors.Is(out.err, context.Canceled) {
		t.Fatalf("read after cancel: %q, %v", out.data, out.err)
	}
}

// A follower is told about the files of its own receiver only, and only while it is set.
func TestFollowIncomingFilesStop(t *testing.T) {
	tree, other := newFileTestTree(t), newFileTestTree(t)
	seen := make(chan string, 4)
	rcOther := NewFileReceiver(other.home)
	defer rcOther.Close()
	mustHandle(t, rcOther, CommandNewFile, []byte("/queue/cluster/worker1/a"), replyNewFileOK)
	rc := NewFileReceiver(tree.home)
	defer rc.Close()
	rc.Follow(func(key string, _ *FollowedFile) { seen <- key })
	mustHandle(t, rc, CommandNewFile, []byte("/queue/cluster/worker1/b"), replyNewFileOK)
	rc.Follow(nil)
	mustHandle(t, rc, CommandNewFile, []byte("/queue/cluster/worker1/c"), replyNewFileOK)
	close(seen)
	var keys []string
	for k := range seen {
		keys = append(keys, k)
	}
	if len(keys) != 1 || keys[0] != "/queue/cluster/worker1/b" {
		t.Fatalf("followed %v, want only b", keys)
	}
}

// A reader taken after the transfer ended, with nobody reading, fails instead of blocking or
// reading a closed descriptor.
func TestFollowedFileReaderTooLate(t *testing.T) {
	_, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	key := followedKey
	mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK)
	mustHandle(t, rc, CommandFileUpd, []byte(key+" data"), replyOK)
	sum := sha256.Sum256([]byte("data"))
	mustHandle(t, rc, CommandFileEnd, append([]byte(key+" "), sum[:]...), replyOK)
	r := (<-got).Reader(context.Background())
	defer r.Close()
	if data, err := io.ReadAll(r); !errors.Is(err, errFollowGone) {
		t.Fatalf("late reader read %q, %v", data, err)
	}
}
