package actors

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/wire"
)

// streamOwner holds package streams as integrity-sync does: it is told of each file by the
// receiver's follower, as a message, and answers claims.
type streamOwner struct {
	kit      *Kit
	settings Settings
	streams  *packageStreams
	work     *offload
}

type claimStream struct {
	rel   string
	reply chan *packageStream
}

type syncStreams struct{ done chan struct{} }

func (o *streamOwner) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		o.work = newOffload(o.kit)
		o.streams = newPackageStreams(o.kit, o.settings)
	case *followedFile:
		o.streams.start(c, o.work, m)
	case *claimStream:
		m.reply <- o.streams.claim(m.rel)
	case *syncStreams:
		close(m.done)
	case *actor.Stopping:
		o.work.stop()
		o.streams.discardAll()
	}
}

// A package the master sends is extracted while it arrives: the receiver's follower hands the
// file to its owner as a message, and the owner's stream holds the files once the transfer
// ended whole.
func TestReceivedPackageIsExtractedWhileItArrives(t *testing.T) {
	k := newTestKit(t)
	rel := "queue/cluster/worker1/worker1-1.0-00.zip"
	src := t.TempDir()
	buildTestPackage(t, src, rel)
	pkg, err := os.ReadFile(filepath.Join(src, rel))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "queue/cluster/worker1"), 0o750); err != nil {
		t.Fatal(err)
	}
	s := Settings{Home: home, NodeName: "worker1", MaxZipSize: 1 << 30}
	pid, err := k.Spawn(k.System.Root, "integrity-sync", func() actor.Actor { return &streamOwner{kit: k, settings: s} })
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = k.System.Root.StopFuture(pid).Wait(); k.Wait(5 * time.Second) }()
	claim := func() *packageStream {
		reply := make(chan *packageStream, 1)
		k.System.Root.Send(pid, &claimStream{rel: rel, reply: reply})
		select {
		case st := <-reply:
			return st
		case <-time.After(5 * time.Second):
			t.Fatal("no answer to the claim")
			return nil
		}
	}

	rc := wire.NewFileReceiver(home)
	defer rc.Close()
	rc.Follow(followTo(k.System.Root, pid))
	key := "/" + rel
	handle := func(command string, payload []byte) {
		t.Helper()
		if cmd, resp := rc.Handle(command, payload); cmd == "err" {
			t.Fatalf("%s: %s", command, resp)
		}
	}
	handle(wire.CommandNewFile, []byte(key))
	half := len(pkg) / 2
	handle(wire.CommandFileUpd, append([]byte(key+" "), pkg[:half]...))
	// The owner has had the file by now (its mailbox is in order): it reads while the rest
	// arrives.
	synced := make(chan struct{})
	k.System.Root.Send(pid, &syncStreams{done: synced})
	<-synced
	handle(wire.CommandFileUpd, append([]byte(key+" "), pkg[half:]...))
	sum := sha256.Sum256(pkg)
	handle(wire.CommandFileEnd, append([]byte(key+" "), sum[:]...))

	st := claim()
	if st == nil {
		t.Fatal("the package was not followed")
	}
	files, meta, err := st.result()
	if err != nil || len(meta) == 0 {
		t.Fatalf("the stream ended with %v (%d bytes of metadata)", err, len(meta))
	}
	extracted, ok := files["etc/shared/default/agent.conf"]
	if !ok {
		t.Fatalf("extracted %v", files)
	}
	if _, err := os.Stat(extracted); err != nil {
		t.Fatalf("extracted file: %v", err)
	}
	_ = os.RemoveAll(st.dest)
}
