package wire

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fileTestTree is a WAZUH_HOME with queue/cluster/worker1 and, beside the home, a folder that
// must never be written: outside.
type fileTestTree struct {
	root, home, queue, outside string
}

func newFileTestTree(t testing.TB) fileTestTree {
	t.Helper()
	root := t.TempDir()
	tree := fileTestTree{
		root:    root,
		home:    filepath.Join(root, "ossec"),
		outside: filepath.Join(root, "outside"),
	}
	tree.queue = filepath.Join(tree.home, "queue", "cluster")
	for _, dir := range []string{filepath.Join(tree.queue, "worker1"), tree.outside, filepath.Join(tree.home, "etc")} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	return tree
}

// snapshotOutsideQueue lists every entry under root except those inside queue/cluster, with
// its type, size and content digest, without following symlinks.
func (tree fileTestTree) snapshotOutsideQueue(t testing.TB) map[string]string {
	t.Helper()
	entries := map[string]string{}
	err := filepath.WalkDir(tree.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == tree.queue {
			return fs.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String()
		if info.Mode().IsRegular() {
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			entry += fmt.Sprintf(" %x", sha256.Sum256(content))
		}
		entries[path] = entry
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", tree.root, err)
	}
	return entries
}

// queueEntries lists the names under queue/cluster, recursively, relative to it.
func (tree fileTestTree) queueEntries(t testing.TB) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(tree.queue, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != tree.queue {
			rel, _ := filepath.Rel(tree.queue, path)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", tree.queue, err)
	}
	return names
}

func expectReply(t testing.TB, gotCommand string, gotPayload []byte, wantCommand, wantPayload string) {
	t.Helper()
	if gotCommand != wantCommand || string(gotPayload) != wantPayload {
		t.Fatalf("reply %q %q, want %q %q", gotCommand, gotPayload, wantCommand, wantPayload)
	}
}

// receiveFile runs a whole transfer of content as path and returns file_end's reply.
func receiveFile(t testing.TB, receiver *FileReceiver, path string, content []byte) (string, []byte) {
	t.Helper()
	command, payload := receiver.Handle("new_file", []byte(path))
	expectReply(t, command, payload, "ok ", "Ready to receive new file")
	command, payload = receiver.Handle("file_upd", append([]byte(path+" "), content...))
	expectReply(t, command, payload, "ok", "File updated")
	digest := sha256.Sum256(content)
	return receiver.Handle("file_end", append([]byte(path+" "), digest[:]...))
}

func TestFileReceiverReceivesAFileWithWazuhReplies(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/worker1-1700000000.123456-0123456789abcdef0123456789abcdef.zip"

	command, payload := receiveFile(t, receiver, path, []byte("package body"))
	expectReply(t, command, payload, "ok", "File received correctly")

	got, err := os.ReadFile(filepath.Join(tree.home, path))
	if err != nil || string(got) != "package body" {
		t.Fatalf("received file = %q, %v", got, err)
	}
	if entries := tree.queueEntries(t); len(entries) != 2 {
		t.Fatalf("queue holds %v; want only worker1 and the file (no temporary left)", entries)
	}
	if receiver.Len() != 0 {
		t.Fatalf("Len after file_end = %d", receiver.Len())
	}
}

func TestFileReceiverReplaysCapturedTransfers(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	received := 0
	for _, rec := range loadJSONLines[capturedFrame](t, "live_capture_sample.jsonl") {
		switch rec.Cmd {
		case "new_file":
			command, payload := receiver.Handle(rec.Cmd, rec.plaintext(t))
			expectReply(t, command, payload, "ok ", "Ready to receive new file")
		case "file_upd":
			command, payload := receiver.Handle(rec.Cmd, rec.plaintext(t))
			expectReply(t, command, payload, "ok", "File updated")
		case "file_end":
			command, payload := receiver.Handle(rec.Cmd, rec.plaintext(t))
			expectReply(t, command, payload, "ok", "File received correctly")
			path, _, _ := bytes.Cut(rec.plaintext(t), []byte(" "))
			if _, err := os.Stat(filepath.Join(tree.home, string(path))); err != nil {
				t.Fatalf("captured file not in place: %v", err)
			}
			received++
		}
	}
	if received == 0 {
		t.Fatal("the capture holds no file_end")
	}
}

func TestFileReceiverChecksumMismatchLeavesNoFileUnderTheFinalName(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/new.zip"
	receiver.Handle("new_file", []byte(path))
	receiver.Handle("file_upd", []byte(path+" real content"))
	wrong := sha256.Sum256([]byte("other content"))

	command, payload := receiver.Handle("file_end", append([]byte(path+" "), wrong[:]...))
	expectReply(t, command, payload, "err", "File wasn't correctly received. Checksums aren't equal.")
	if entries := tree.queueEntries(t); len(entries) != 1 {
		t.Fatalf("queue holds %v after a checksum mismatch; want only worker1", entries)
	}
}

func TestFileReceiverChecksumMismatchKeepsThePreviousFile(t *testing.T) {
	tree := newFileTestTree(t)
	final := filepath.Join(tree.queue, "worker1", "kept.zip")
	if err := os.WriteFile(final, []byte("previous"), 0o640); err != nil {
		t.Fatal(err)
	}
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/kept.zip"
	receiver.Handle("new_file", []byte(path))
	receiver.Handle("file_upd", []byte(path+" replacement"))
	command, _ := receiver.Handle("file_end", []byte(path+" "+strings.Repeat("0", 32)))
	if command != "err" {
		t.Fatalf("file_end with a wrong digest = %q", command)
	}
	if got, _ := os.ReadFile(final); string(got) != "previous" {
		t.Fatalf("final file = %q, want the previous content untouched", got)
	}
}

func TestFileReceiverHalfReceivedFileNeverAppearsAndCloseRemovesIt(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/partial.zip"
	receiver.Handle("new_file", []byte(path))
	receiver.Handle("file_upd", []byte(path+" first half"))

	if _, err := os.Lstat(filepath.Join(tree.home, path)); !os.IsNotExist(err) {
		t.Fatalf("half-received file visible under its name: %v", err)
	}
	if receiver.Len() != 1 || len(tree.queueEntries(t)) != 2 {
		t.Fatalf("Len %d, queue %v; want one temporary file", receiver.Len(), tree.queueEntries(t))
	}
	receiver.Close()
	if entries := tree.queueEntries(t); len(entries) != 1 || receiver.Len() != 0 {
		t.Fatalf("after Close: queue %v, Len %d; want only worker1", entries, receiver.Len())
	}
}

func TestFileReceiverHandlesInterleavedFiles(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	paths := []string{"/queue/cluster/worker1/a.zip", "/queue/cluster/worker1/b.zip", "/queue/cluster/c.zip"}
	contents := map[string][]byte{}
	for _, p := range paths {
		receiver.Handle("new_file", []byte(p))
	}
	for round := range 3 {
		for _, p := range paths {
			piece := fmt.Sprintf("%s-piece%d;", filepath.Base(p), round)
			contents[p] = append(contents[p], piece...)
			command, payload := receiver.Handle("file_upd", []byte(p+" "+piece))
			expectReply(t, command, payload, "ok", "File updated")
		}
	}
	for _, p := range paths {
		digest := sha256.Sum256(contents[p])
		command, payload := receiver.Handle("file_end", append([]byte(p+" "), digest[:]...))
		expectReply(t, command, payload, "ok", "File received correctly")
		if got, _ := os.ReadFile(filepath.Join(tree.home, p)); !bytes.Equal(got, contents[p]) {
			t.Fatalf("%s = %q, want %q", p, got, contents[p])
		}
	}
}

func TestFileReceiverNewFileAgainStartsOver(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/again.zip"
	receiver.Handle("new_file", []byte(path))
	receiver.Handle("file_upd", []byte(path+" stale"))
	command, payload := receiveFile(t, receiver, path, []byte("fresh"))
	expectReply(t, command, payload, "ok", "File received correctly")
	if got, _ := os.ReadFile(filepath.Join(tree.home, path)); string(got) != "fresh" {
		t.Fatalf("file = %q, want fresh", got)
	}
	if entries := tree.queueEntries(t); len(entries) != 2 {
		t.Fatalf("queue holds %v; the first temporary file was not removed", entries)
	}
}

func TestFileReceiverAnswersMalformedRequestsLikeWazuhDispatch(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	cases := []struct{ command, payload, extraMessage string }{
		{"file_upd", "nospace", "not enough values to unpack (expected 2, got 1)"},
		{"file_upd", "/queue/cluster/worker1/unknown.zip data", "b'/queue/cluster/worker1/unknown.zip'"},
		{"file_end", "/queue/cluster/worker1/unknown.zip digest", "b'/queue/cluster/worker1/unknown.zip'"},
		{"file_end", "nospace", "not enough values to unpack (expected 2, got 1)"},
		{"new_file", "/queue/cluster/nobody/f.zip",
			"[Errno 2] No such file or directory: '" + tree.home + "/queue/cluster/nobody/f.zip'"},
	}
	for _, c := range cases {
		command, payload := receiver.Handle(c.command, []byte(c.payload))
		_, want := pyExceptionReply(c.extraMessage)
		if command != "err" || !bytes.Equal(payload, want) {
			t.Errorf("%s %q = %q %s\nwant err %s", c.command, c.payload, command, payload, want)
		}
	}
	command, payload := receiver.Handle("new_str", []byte("5"))
	expectReply(t, command, payload, "err", "unknown command 'b'new_str''")
}

func TestFileReceiverBoundsOpenFiles(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiverWithLimits(tree.home, FileReceiverLimits{MaxOpen: 2})
	receiver.Handle("new_file", []byte("/queue/cluster/worker1/1.zip"))
	receiver.Handle("new_file", []byte("/queue/cluster/worker1/2.zip"))
	command, payload := receiver.Handle("new_file", []byte("/queue/cluster/worker1/3.zip"))
	expectReply(t, command, payload, "err", replyTooManyFiles)
	// Reopening a path already in flight is not a new file.
	command, payload = receiver.Handle("new_file", []byte("/queue/cluster/worker1/2.zip"))
	expectReply(t, command, payload, "ok ", "Ready to receive new file")
	receiver.Close()
}

func TestFileReceiverBoundsFileSize(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiverWithLimits(tree.home, FileReceiverLimits{MaxFileSize: 10})
	const path = "/queue/cluster/worker1/big.zip"
	receiver.Handle("new_file", []byte(path))
	command, _ := receiver.Handle("file_upd", []byte(path+" 0123456789"))
	if command != "ok" {
		t.Fatalf("file_upd up to the limit = %q", command)
	}
	command, payload := receiver.Handle("file_upd", []byte(path+" x"))
	expectReply(t, command, payload, "err", replyFileTooLarge)
	if receiver.Len() != 0 || len(tree.queueEntries(t)) != 1 {
		t.Fatalf("oversize file kept: Len %d, queue %v", receiver.Len(), tree.queueEntries(t))
	}
}

func TestFileReceiverSweepRemovesIdleFiles(t *testing.T) {
	tree := newFileTestTree(t)
	now := pendingEpoch
	receiver := NewFileReceiverWithLimits(tree.home, FileReceiverLimits{TTL: time.Minute, Now: func() time.Time { return now }})
	receiver.Handle("new_file", []byte("/queue/cluster/worker1/idle.zip"))
	now = now.Add(50 * time.Second)
	receiver.Handle("new_file", []byte("/queue/cluster/worker1/busy.zip"))

	if n := receiver.Sweep(pendingEpoch.Add(70 * time.Second)); n != 1 {
		t.Fatalf("Sweep removed %d files, want 1", n)
	}
	if _, ok := receiver.files["/queue/cluster/worker1/busy.zip"]; !ok || receiver.Len() != 1 {
		t.Fatal("Sweep removed the busy file")
	}
	if entries := tree.queueEntries(t); len(entries) != 2 {
		t.Fatalf("queue holds %v; want worker1 and the busy file's temporary", entries)
	}
	receiver.Close()
}

func TestFileReceiverReceivesAnEmptyFile(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	const path = "/queue/cluster/worker1/empty.zip"
	receiver.Handle("new_file", []byte(path))
	digest := sha256.Sum256(nil)
	command, payload := receiver.Handle("file_end", append([]byte(path+" "), digest[:]...))
	expectReply(t, command, payload, "ok", "File received correctly")
	if info, err := os.Stat(filepath.Join(tree.home, path)); err != nil || info.Size() != 0 {
		t.Fatalf("empty file: %v, %v", info, err)
	}
}

func BenchmarkFileReceiverFileUpd(b *testing.B) {
	tree := newFileTestTree(b)
	receiver := NewFileReceiver(tree.home)
	defer receiver.Close()
	const path = "/queue/cluster/worker1/bench.zip"
	payload := append([]byte(path+" "), bytes.Repeat([]byte("f"), 1<<20)...)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	written := 0
	for b.Loop() {
		if written%256 == 0 { // start over every 256 MiB to bound the disk used
			receiver.Handle("new_file", []byte(path))
		}
		if command, _ := receiver.Handle("file_upd", payload); command != "ok" {
			b.Fatalf("file_upd = %q", command)
		}
		written++
	}
}
