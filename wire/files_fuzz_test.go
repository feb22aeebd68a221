package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterd/clusterd/messages"
)

func FuzzFileReceiver(f *testing.F) {
	// Seeds: the captured transfers (path, body, real digest), then the hostile paths.
	var path, body []byte
	for _, rec := range loadJSONLines[capturedFrame](f, "live_capture_sample.jsonl") {
		switch rec.Cmd {
		case "new_file":
			path = rec.plaintext(f)
		case "file_upd":
			_, body, _ = bytes.Cut(rec.plaintext(f), []byte(" "))
		case "file_end":
			_, digest, _ := bytes.Cut(rec.plaintext(f), []byte(" "))
			f.Add(path, body, digest, false, false)
			f.Add(path, body, []byte("wrong digest"), false, false)
			f.Add(path, body, []byte("crc?"), true, true)
		}
	}
	for _, hostile := range hostilePaths {
		f.Add([]byte(hostile), []byte("payload"), []byte(nil), true, false)
	}

	// One tree serves every input of this worker (inputs run one at a time); what an accepted
	// transfer adds to queue/cluster is removed after each input.
	tree := hostileTree(f)
	before := tree.snapshotOutsideQueue(f)
	fixtures := map[string]bool{}
	for _, name := range tree.queueEntries(f) {
		fixtures[name] = true
	}

	// A follower reads every file as it arrives: it must see the body exactly when the transfer
	// was accepted, and an error otherwise. Inputs run one at a time, on one goroutine.
	var (
		followed []io.ReadCloser
		files    []*FollowedFile
		inputCtx context.Context
	)
	follow := func(_ string, ff *FollowedFile) {
		followed = append(followed, ff.Reader(inputCtx))
		files = append(files, ff)
	}

	f.Fuzz(func(t *testing.T, path, body, digest []byte, useRealDigest, linked bool) {
		var cancel context.CancelFunc
		inputCtx, cancel = context.WithCancel(context.Background())
		followed, files = followed[:0], files[:0]
		receiver := NewFileReceiverWithLimits(tree.home, FileReceiverLimits{MaxFileSize: 1 << 20})
		receiver.Follow(follow)
		if useRealDigest {
			sum := newTransferSum(linked)
			sum.Write(body)
			digest = sum.Sum(nil)
		}

		// The path as the peer sent it, and the same name placed inside the worker folder so
		// that accepted transfers get explored too.
		inside := append([]byte("/queue/cluster/worker1/"), bytes.TrimLeft(path, "/")...)
		for _, p := range [][]byte{path, inside} {
			steps := []struct {
				command string
				payload []byte
			}{
				{"new_file", p},
				{"file_upd", joinSpace(p, body)},
				{"file_end", joinSpace(p, digest)},
			}
			received := false
			for _, step := range steps {
				command, _ := receiver.HandleFrame(messages.Frame{Command: step.command, Payload: step.payload, Link: linked})
				if command != "ok" && command != "ok " && command != "err" {
					t.Fatalf("%s answered with command %q", step.command, command)
				}
				if step.command == "file_end" && command == "ok" {
					// A file its follower read from memory is not put in place.
					if len(files) > 0 && !files[len(files)-1].WholeOnDisk() {
						assertAbsent(t, tree, p)
					} else {
						assertReceived(t, tree, p, body)
					}
					received = true
				}
			}
			if received {
				assertFollowed(t, followed, body)
			}
		}
		receiver.Close()
		cancel() // a reader that would still wait fails with this instead
		for _, r := range followed {
			if _, err := io.ReadAll(r); errors.Is(err, context.Canceled) {
				t.Fatal("a followed file was still open after the receiver closed")
			}
			r.Close()
		}

		if after := tree.snapshotOutsideQueue(t); !maps.Equal(before, after) {
			t.Fatalf("path %q changed something outside queue/cluster:\nbefore %v\nafter  %v", path, before, after)
		}
		for _, name := range tree.queueEntries(t) {
			if fixtures[name] {
				continue
			}
			if strings.HasPrefix(filepath.Base(name), ".clusterd-") {
				t.Fatalf("temporary file %s left after Close", name)
			}
			// The receiver creates files only, never folders, so each new entry is one file.
			if err := os.Remove(filepath.Join(tree.queue, name)); err != nil {
				t.Fatalf("cleaning up %s: %v", name, err)
			}
		}
		if got, _ := os.ReadFile(filepath.Join(tree.outside, "target")); string(got) != "must stay" {
			t.Fatalf("the file behind a symlink was overwritten: %q", got)
		}
	})
}

// assertReceived checks that a transfer answered "File received correctly" left body at a
// regular file inside queue/cluster.
func assertReceived(t *testing.T, tree fileTestTree, path, body []byte) {
	t.Helper()
	full := filepath.Join(tree.home, string(path))
	if rel, err := filepath.Rel(tree.queue, full); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		t.Fatalf("accepted path %q lands at %s, outside queue/cluster", path, full)
	}
	info, err := os.Lstat(full)
	if err != nil || !info.Mode().IsRegular() {
		t.Fatalf("accepted path %q: %v, %v", path, info, err)
	}
	if got, _ := os.ReadFile(full); !bytes.Equal(got, body) {
		t.Fatalf("accepted path %q holds %d bytes, want %d", path, len(got), len(body))
	}
}

// assertAbsent checks that nothing was put at path.
func assertAbsent(t *testing.T, tree fileTestTree, path []byte) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(tree.home, string(path))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("path %q read from memory was put in place too (%v)", path, err)
	}
}

// assertFollowed checks that the last file followed reads as body.
func assertFollowed(t *testing.T, followed []io.ReadCloser, body []byte) {
	t.Helper()
	if len(followed) == 0 {
		t.Fatal("an accepted transfer was not followed")
	}
	if got, err := io.ReadAll(followed[len(followed)-1]); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("followed %d bytes (%v), want %d", len(got), err, len(body))
	}
}

func joinSpace(head, tail []byte) []byte {
	out := make([]byte, 0, len(head)+1+len(tail))
	out = append(out, head...)
	out = append(out, ' ')
	return append(out, tail...)
}

func FuzzParseCancelTask(f *testing.F) {
	for _, exc := range realExceptionPayloads(f) {
		f.Add(append([]byte("8f1f4a2c-7d7e-4c55-9b0e-2a1f0c3d4e5f "), exc...))
		f.Add(append([]byte("None "), exc...))
	}
	f.Add([]byte("no-space"))
	f.Add([]byte(" {}"))

	f.Fuzz(func(t *testing.T, payload []byte) {
		taskID, exc, err := ParseCancelTask(payload)
		command, reply := CancelTaskReply(err)
		if err != nil {
			if !errors.Is(err, ErrCancelTaskMalformed) || command != "err" || !json.Valid(reply) {
				t.Fatalf("ParseCancelTask(%q) = %v; reply %q %s", payload, err, command, reply)
			}
			return
		}
		if strings.Contains(taskID, " ") || !json.Valid(exc) {
			t.Fatalf("ParseCancelTask(%q) = %q, %q", payload, taskID, exc)
		}
		if !bytes.Equal(joinSpace([]byte(taskID), exc), payload) {
			t.Fatalf("ParseCancelTask(%q) lost bytes: %q + %q", payload, taskID, exc)
		}
		if command != "ok" || string(reply) != ReplyCancelTaskReceived {
			t.Fatalf("reply %q %q to a valid cancel_task", command, reply)
		}
	})
}
