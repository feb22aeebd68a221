package remoted

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
)

// gateFile holds every write until open is closed.
type gateFile struct {
	f    *os.File
	open chan struct{}
}

func (g *gateFile) Write(p []byte) (int, error) {
	<-g.open
	return g.f.Write(p)
}

func (g *gateFile) Close() error { return g.f.Close() }

// A blocked archive writer makes the agent's connection wait; nothing is lost.
func TestArchiveBackPressure(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	cfg := testConfig(t, home)
	cfg.ArchiveQueue = 4
	s, err := New(cfg, newFakeStore(), nil)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	s.arch.openFile = func(path string) (archiveFile, error) {
		f, err := openAppend(path)
		if err != nil {
			return nil, err
		}
		return &gateFile{f: f.(*os.File), open: gate}, nil
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	const n = 300
	for i := range n {
		a.send(fmt.Sprintf("1:app:event %03d", i))
	}
	poll.Until(t, waitTimeout, "archive queue full", func() bool { return s.Stats().ArchiveQueued == cfg.ArchiveQueue })
	if got := s.Stats().EventsReceived; got >= n {
		t.Fatalf("received %d events with the archive blocked; the reader should wait", got)
	}
	close(gate)
	poll.Until(t, waitTimeout, "all archived", func() bool { return agentStats(s, 1).EventsArchived == n })
	lines := archiveLines(t, home)
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf("1:[001] (vec-agent) any->app:event %03d", i); l != want {
			t.Fatalf("line %d %q, want %q", i, l, want)
		}
	}
}

// failingFile fails its first writes as a full disk does, sometimes after a
// partial write.
type failingFile struct {
	f     *os.File
	mu    sync.Mutex
	fails int
}

func (ff *failingFile) Write(p []byte) (int, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	if ff.fails > 0 {
		ff.fails--
		n := 0
		if ff.fails%2 == 0 && len(p) > 3 {
			n, _ = ff.f.Write(p[:3])
		}
		return n, &os.PathError{Op: "write", Path: ff.f.Name(), Err: syscall.ENOSPC}
	}
	return ff.f.Write(p)
}

func (ff *failingFile) Close() error { return ff.f.Close() }

func TestArchiveRetriesFailedWrites(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	s, err := New(testConfig(t, home), newFakeStore(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.arch.openFile = func(path string) (archiveFile, error) {
		f, err := openAppend(path)
		if err != nil {
			return nil, err
		}
		return &failingFile{f: f.(*os.File), fails: 3}, nil
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	for i := range 20 {
		a.send(fmt.Sprintf("1:app:event %02d", i))
	}
	poll.Until(t, waitTimeout, "all archived", func() bool { return agentStats(s, 1).EventsArchived == 20 })
	lines := archiveLines(t, home)
	for i, l := range lines {
		if want := fmt.Sprintf("1:[001] (vec-agent) any->app:event %02d", i); l != want {
			t.Fatalf("line %d %q, want %q", i, l, want)
		}
	}
	if len(lines) != 20 || s.Stats().ArchiveErrors != 3 {
		t.Errorf("%d lines, %d errors; want 20 lines after 3 errors", len(lines), s.Stats().ArchiveErrors)
	}
}

func TestArchiveRotatesAtMidnight(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	clock := newFakeClock(time.Date(2024, time.January, 15, 23, 59, 50, 0, time.Local))
	cfg := testConfig(t, home)
	cfg.Now = clock.Now
	s := startServer(t, cfg, newFakeStore(), nil)
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	a.send("1:app:before midnight")
	poll.Until(t, waitTimeout, "first archived", func() bool { return agentStats(s, 1).EventsArchived == 1 })
	clock.Set(time.Date(2024, time.January, 16, 0, 0, 5, 0, time.Local))
	a.send("1:app:after midnight")
	poll.Until(t, waitTimeout, "second archived", func() bool { return agentStats(s, 1).EventsArchived == 2 })

	old, err := os.ReadFile(filepath.Join(home, "logs", "archives", "2024", "Jan", "archives-15.log"))
	if err != nil {
		t.Fatal(err)
	}
	if string(old) != "1:[001] (vec-agent) any->app:before midnight\n" {
		t.Errorf("rotated file %q", old)
	}
	if got := archiveLines(t, home); len(got) != 1 || got[0] != "1:[001] (vec-agent) any->app:after midnight" {
		t.Errorf("current archive %q", got)
	}
}

// Events queued at Stop are written before Stop returns.
func TestStopFlushesArchive(t *testing.T) {
	home := testHome(t, "001 vec-agent any "+key1)
	s, err := New(testConfig(t, home), newFakeStore(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	a := newTestAgent(t, "001", "vec-agent", "any", key1).dialTCP(s.TCPAddr())
	for i := range 50 {
		a.send(fmt.Sprintf("1:app:%d", i))
	}
	poll.Until(t, waitTimeout, "received", func() bool { return s.Stats().EventsReceived == 50 })
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := len(archiveLines(t, home)); got != 50 {
		t.Errorf("%d lines after Stop, want 50", got)
	}
}
