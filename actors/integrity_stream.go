package actors

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/wire"
)

// packageStreams extracts the master's packages while they are received (new_file, file_upd),
// so that inflating overlaps the transfer instead of following it. Only a package whose
// transfer ended with a matching checksum yields files; the sync still applies nothing before
// syn_m_c_e names the package, and falls back to reading the received file if its stream
// failed for any reason. It is shared by the restarts of one worker's integrity actor.
type packageStreams struct {
	home, worker string
	maxZip       int64
	kit          *Kit

	mu      sync.Mutex
	pending map[string]*packageStream // by package path relative to home
}

// packageStream is one package being extracted into "<package>.stream" as it arrives.
type packageStream struct {
	dest   string
	cancel context.CancelFunc
	done   chan struct{}
	// Set before done is closed.
	files    map[string]string
	metadata []byte
	err      error
}

func newPackageStreams(kit *Kit, s Settings) *packageStreams {
	return &packageStreams{home: s.Home, worker: s.NodeName, maxZip: s.MaxZipSize, kit: kit,
		pending: make(map[string]*packageStream)}
}

// follow starts following the packages received under the worker's queue folder; stop ends it
// and drops the streams nobody claimed.
func (ps *packageStreams) follow() (stop func()) {
	unfollow := wire.FollowIncomingFiles(ps.home, ps.started)
	return func() {
		unfollow()
		ps.discardAll()
	}
}

// started is the wire.FileFollower: it runs on the connection's actor, so it only starts the
// extraction.
func (ps *packageStreams) started(key string, f *wire.FollowedFile) {
	rel, err := packagePath(ps.home, ps.worker, strings.TrimPrefix(key, "/"))
	if err != nil || !strings.HasSuffix(rel, ".zip") {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Not "<package>.dir", where a read of the received file extracts: a stream discarded in
	// the background must never remove what such a read wrote.
	st := &packageStream{dest: filepath.Join(ps.home, rel) + ".stream", cancel: cancel, done: make(chan struct{})}
	ps.mu.Lock()
	// One package is received at a time: an older one nobody claimed is stale.
	stale := ps.pending
	ps.pending = map[string]*packageStream{rel: st}
	ps.mu.Unlock()
	for _, old := range stale {
		ps.discard(old)
	}
	r := f.Reader(ctx)
	ps.kit.Go(func() {
		defer close(st.done)
		defer r.Close()
		st.files, st.metadata, st.err = integrity.ReadPackageFrom(r, st.dest, ps.maxZip)
	})
}

// claim takes the stream of the package rel, if there is one.
func (ps *packageStreams) claim(rel string) *packageStream {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	st := ps.pending[rel]
	delete(ps.pending, rel)
	return st
}

// discardAll drops the streams nobody claimed: their packages will never be applied.
func (ps *packageStreams) discardAll() {
	ps.mu.Lock()
	stale := ps.pending
	ps.pending = make(map[string]*packageStream)
	ps.mu.Unlock()
	for _, st := range stale {
		ps.discard(st)
	}
}

// discard stops the extraction and removes what it wrote, in the background.
func (ps *packageStreams) discard(st *packageStream) {
	st.cancel()
	ps.kit.Go(func() {
		<-st.done
		_ = os.RemoveAll(st.dest)
	})
}

// result waits for the extraction to end.
func (st *packageStream) result() (files map[string]string, metadata []byte, err error) {
	<-st.done
	st.cancel()
	return st.files, st.metadata, st.err
}
