package wire

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// receiveFollowed sends pieces of one file to rc and ends it with the right digest; before
// each piece, between is called.
func receiveFollowed(t *testing.T, rc *FileReceiver, key string, pieces [][]byte, between func(i int)) {
	t.Helper()
	mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK)
	sum := sha256.New()
	for i, piece := range pieces {
		if between != nil {
			between(i)
		}
		mustHandle(t, rc, CommandFileUpd, append([]byte(key+" "), piece...), replyOK)
		sum.Write(piece)
	}
	mustHandle(t, rc, CommandFileEnd, append([]byte(key+" "), sum.Sum(nil)...), replyOK)
}

// queueFiles lists what is left in the worker's queue folder.
func queueFiles(t *testing.T, tree fileTestTree) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(tree.queue, "worker1"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A reader that keeps up gets every byte from memory: nothing is written to disk, and the
// file, which its reader had whole, is not put in place.
func TestFollowedFileKeptUpWithIsNeverWritten(t *testing.T) {
	tree, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	key := followedKey
	pieces := [][]byte{bytes.Repeat([]byte("a"), 100_000), bytes.Repeat([]byte("b"), 3), bytes.Repeat([]byte("c"), RequestChunk-100)}
	var (
		f    *FollowedFile
		r    io.ReadCloser
		read []byte
	)
	receiveFollowed(t, rc, key, pieces, func(i int) {
		if i == 0 {
			f = <-got
			r = f.Reader(context.Background())
			return
		}
		// Read what arrived so far; on disk, the temporary file stays empty.
		buf := make([]byte, len(pieces[i-1]))
		if _, err := io.ReadFull(r, buf); err != nil {
			t.Fatal(err)
		}
		read = append(read, buf...)
		for _, name := range queueFiles(t, tree) {
			if info, err := os.Stat(filepath.Join(tree.queue, "worker1", name)); err != nil || info.Size() != 0 {
				t.Fatalf("%s on disk: %v, %v", name, info, err)
			}
		}
	})
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Join(pieces, nil); !bytes.Equal(append(read, rest...), want) {
		t.Fatalf("read %d bytes, want %d", len(read)+len(rest), len(want))
	}
	if f.WholeOnDisk() {
		t.Fatal("the file counts as written to disk")
	}
	if left := queueFiles(t, tree); len(left) != 0 {
		t.Fatalf("left in the queue: %v", left)
	}
	r.Close()
	if held := rc.held.Load(); held != 0 {
		t.Fatalf("%d bytes still held after the reader closed", held)
	}
}

// A reader that falls behind makes the receiver hold no more than its bound: the rest goes to
// disk, and the reader still reads every byte in order, from memory and disk alike.
func TestFollowedFileSpillsPastTheMemoryBound(t *testing.T) {
	const bound = 64 << 10
	_, rc, got := newFollowedReceiver(t, FileReceiverLimits{FollowMemory: bound})
	key := followedKey
	var pieces [][]byte
	for i := range 40 {
		pieces = append(pieces, bytes.Repeat([]byte{byte('a' + i%26)}, 1000+i*97))
	}
	// One-byte pieces, the cheapest a peer can send, count for more than a byte each.
	for range 5000 {
		pieces = append(pieces, []byte{'z'})
	}
	var (
		r       io.ReadCloser
		maxHeld int64
	)
	receiveFollowed(t, rc, key, pieces, func(i int) {
		if i == 0 {
			r = (<-got).Reader(context.Background())
		}
		if i == 30 {
			// Catch up part of the way: memory frees and takes pieces again.
			if _, err := io.ReadFull(r, make([]byte, 20_000)); err != nil {
				t.Fatal(err)
			}
		}
		maxHeld = max(maxHeld, rc.held.Load())
	})
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Join(pieces, nil)[20_000:]
	if !bytes.Equal(data, want) {
		t.Fatalf("read %d bytes, want %d", len(data), len(want))
	}
	if maxHeld > bound || maxHeld == 0 {
		t.Fatalf("held up to %d bytes, bound %d", maxHeld, bound)
	}
	if held := rc.held.Load(); held != 0 {
		t.Fatalf("%d bytes still held after the reader read them all", held)
	}
}

// The file has one reader: a second one fails rather than miss the bytes handed to the first.
func TestFollowedFileHasOneReader(t *testing.T) {
	_, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	key := followedKey
	mustHandle(t, rc, CommandNewFile, []byte(key), replyNewFileOK)
	f := <-got
	first := f.Reader(context.Background())
	defer first.Close()
	mustHandle(t, rc, CommandFileUpd, []byte(key+" data"), replyOK)
	second := f.Reader(context.Background())
	defer second.Close()
	if data, err := io.ReadAll(second); !errors.Is(err, errFollowGone) {
		t.Fatalf("second reader read %q, %v", data, err)
	}
}

// A reader that gives up mid-transfer drops what was held for it; the transfer still ends, and
// the file, no longer whole anywhere, is not put in place.
func TestFollowedFileReaderClosedMidTransfer(t *testing.T) {
	tree, rc, got := newFollowedReceiver(t, FileReceiverLimits{})
	key := followedKey
	pieces := [][]byte{[]byte("held"), []byte("on disk")}
	var r io.ReadCloser
	receiveFollowed(t, rc, key, pieces, func(i int) {
		switch i {
		case 0:
			r = (<-got).Reader(context.Background())
		case 1:
			if held := rc.held.Load(); held == 0 {
				t.Fatal("nothing held for the open reader")
			}
			r.Close()
			if held := rc.held.Load(); held != 0 {
				t.Fatalf("%d bytes held for a closed reader", held)
			}
		}
	})
	if left := queueFiles(t, tree); len(left) != 0 {
		t.Fatalf("left in the queue: %v", left)
	}
}
