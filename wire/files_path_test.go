package wire

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// hostileTree adds to a fileTestTree the traps a peer could aim at: symlinks inside queue/cluster
// leading out of it (relative and absolute, to a folder and to a file), a file outside, and a
// socket-like non-regular entry.
func hostileTree(t testing.TB) fileTestTree {
	t.Helper()
	tree := newFileTestTree(t)
	target := filepath.Join(tree.outside, "target")
	if err := os.WriteFile(target, []byte("must stay"), 0o640); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		filepath.Join(tree.queue, "escape"):              "../../../outside",
		filepath.Join(tree.queue, "absolute"):            tree.outside,
		filepath.Join(tree.queue, "worker1", "link.zip"): "../../../../outside/target",
		filepath.Join(tree.queue, "home"):                "../..",
	}
	for link, dest := range links {
		if err := os.Symlink(dest, link); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(tree.queue, "worker1", "adir"), 0o750); err != nil {
		t.Fatal(err)
	}
	return tree
}

// hostilePaths are new_file payloads that must be refused with "Write path not allowed".
var hostilePaths = []string{
	"/queue/cluster/../../etc/passwd",
	"/queue/cluster/worker1/../../../outside/x",
	"/queue/cluster/worker1/..",
	"/../outside/x",
	"/etc/ossec.conf",
	"/etc/../queue/cluster/worker1/x",
	"queue/cluster/worker1/x",
	"",
	"/",
	"/queue/cluster",
	"/queue/cluster/",
	"/queue/clusterX/x",
	"/queue/cluster/worker1",
	"/queue/cluster/worker1/adir",
	"/queue/cluster/worker1/nul\x00.zip",
	"/queue/cluster/worker1/\xff\xfe.zip",
	"/queue/cluster/escape/x",
	"/queue/cluster/escape/target",
	"/queue/cluster/absolute/x",
	"/queue/cluster/home/etc/x",
	"/queue/cluster/worker1/link.zip",
}

func TestFileReceiverRefusesPathsOutsideTheClusterQueue(t *testing.T) {
	tree := hostileTree(t)
	before := tree.snapshotOutsideQueue(t)
	queueBefore := tree.queueEntries(t)
	receiver := NewFileReceiver(tree.home)

	for _, path := range hostilePaths {
		command, payload := receiver.Handle("new_file", []byte(path))
		if command != "err" || string(payload) != "Write path not allowed" {
			t.Errorf("new_file %q = %q %q, want err Write path not allowed", path, command, payload)
		}
		// Whatever follows for a refused path finds nothing open.
		receiver.Handle("file_upd", []byte(path+" data"))
		receiver.Handle("file_end", []byte(path+" digest"))
	}
	if receiver.Len() != 0 {
		t.Fatalf("%d files open after refusals", receiver.Len())
	}
	if after := tree.snapshotOutsideQueue(t); !maps.Equal(before, after) {
		t.Fatalf("something changed outside queue/cluster:\nbefore %v\nafter  %v", before, after)
	}
	if after := tree.queueEntries(t); len(after) != len(queueBefore) {
		t.Fatalf("queue/cluster changed: before %v, after %v", queueBefore, after)
	}
}

func TestFileReceiverAcceptsOrdinaryQueuePaths(t *testing.T) {
	tree := newFileTestTree(t)
	receiver := NewFileReceiver(tree.home)
	for _, path := range []string{
		"/queue/cluster/worker1/worker1-1795288427.021604-6171a17435ea492982ad42dc636eb12c.zip",
		"/queue/cluster/top-level.zip",
		"//queue/./cluster//worker1/dots.zip", // Wazuh's realpath accepts these spellings too
	} {
		command, payload := receiveFile(t, receiver, path, []byte(path))
		expectReply(t, command, payload, "ok", "File received correctly")
		if got, err := os.ReadFile(filepath.Join(tree.home, filepath.Clean(path))); err != nil || string(got) != path {
			t.Fatalf("%s = %q, %v", path, got, err)
		}
	}
}

func TestFileReceiverFollowsSymlinksThatStayInside(t *testing.T) {
	tree := newFileTestTree(t)
	if err := os.Symlink("worker1", filepath.Join(tree.queue, "alias")); err != nil {
		t.Fatal(err)
	}
	receiver := NewFileReceiver(tree.home)
	command, payload := receiveFile(t, receiver, "/queue/cluster/alias/f.zip", []byte("via alias"))
	expectReply(t, command, payload, "ok", "File received correctly")
	if got, _ := os.ReadFile(filepath.Join(tree.queue, "worker1", "f.zip")); string(got) != "via alias" {
		t.Fatalf("file through an inside symlink = %q", got)
	}
}

func TestQueueRelativePathStripsThePrefix(t *testing.T) {
	cases := map[string]string{
		"/queue/cluster/worker1/f.zip": "worker1/f.zip",
		"/queue/cluster/f.zip":         "f.zip",
		"//queue//cluster/./w/f":       "w/f",
	}
	for in, want := range cases {
		if got, err := queueRelativePath([]byte(in)); err != nil || got != want {
			t.Errorf("queueRelativePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
