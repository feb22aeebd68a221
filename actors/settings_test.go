package actors

import (
	"errors"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusterd/clusterd/wire"
)

// loneWorker is the settings of a worker with key and no master to reach, homed in a
// temporary folder, and its local and control sockets (closed when the test ends).
func loneWorker(t *testing.T, key string) (Settings, Sockets) {
	t.Helper()
	dir := t.TempDir()
	local, err := ListenUnix(filepath.Join(dir, "local.sock"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(local.Close)
	control, err := ListenUnix(filepath.Join(dir, "control.sock"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(control.Close)
	s := Settings{NodeName: "worker1", NodeType: TypeWorker, Key: key, Home: dir, NodeIP: "127.0.0.1", Port: 1,
		ConnectionRetry: time.Hour, DialTimeout: 50 * time.Millisecond, RequestTimeout: time.Second}
	return s, Sockets{Local: local, Control: control}
}

// A key that makes no cipher fails the node at start; nothing is spawned.
func TestSpawnTreeRefusesAKeyThatMakesNoCipher(t *testing.T) {
	for _, key := range []string{"", "too-short", "c98b62a9b6169ac5f67dae55ae4a9088-and-more"} {
		k := newTestKit(t)
		s, socks := loneWorker(t, key)
		tree, err := SpawnTree(k, s, socks)
		if tree != nil {
			_ = tree.Stop(5 * time.Second)
		}
		if !errors.Is(err, wire.ErrBadKey) {
			t.Fatalf("key %q: SpawnTree returned %v, want %v", key, err, wire.ErrBadKey)
		}
		if paths := k.Registry.Paths(); len(paths) != 0 {
			t.Fatalf("key %q: actors spawned: %v", key, paths)
		}
	}
}

// A connection accepted with a key that makes no cipher is closed, never served in clear.
func TestHandshakeClosesAConnectionWithoutCipher(t *testing.T) {
	k := newTestKit(t)
	server, client := net.Pipe()
	defer client.Close()
	released := make(chan struct{})
	s := Settings{Key: "too-short", HelloTimeout: time.Hour, RequestTimeout: time.Second}
	pid, err := k.Spawn(k.System.Root, "conn-1", newHandshake(k, s, server, nil, func() { close(released) }))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = k.System.Root.StopFuture(pid).Wait(); k.Wait(time.Second) }()
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := client.Read(make([]byte, 64)); !errors.Is(err, io.EOF) {
		t.Fatalf("read %d bytes, %v: want the connection closed", n, err)
	}
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the connection's slot was not released")
	}
}
