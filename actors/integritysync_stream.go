package actors

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/wire"
)

// packageStreams extracts the master's packages while they are received (new_file, file_upd),
// so that inflating overlaps the transfer instead of following it. Only a package whose
// transfer ended with a matching checksum yields files; the sync still applies nothing before
// syn_m_c_e names the package, and falls back to reading the received file if its stream
// failed for any reason (or never started, when the transfer ended first). It belongs to the
// worker's integrity actor and is used from its Receive only: the worker handler, whose file
// receiver sees the package arrive, hands each one over as a followedFile message.
type packageStreams struct {
	home, worker string
	maxZip       int64
	kit          *Kit

	pending map[string]*packageStream // by package path relative to home
}

// followedFile is a file the worker handler's receiver started receiving from the master.
type followedFile struct {
	key  string
	file *wire.FollowedFile
}

// followTo is the worker handler's wire.FileFollower: every file the master starts sending goes
// to the integrity actor, which alone decides what to read.
func followTo(root *actor.RootContext, integritySync *actor.PID) wire.FileFollower {
	return func(key string, f *wire.FollowedFile) {
		root.Send(integritySync, &followedFile{key: key, file: f})
	}
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

// start begins extracting a package the master started sending, on the actor's offload; other
// files are not followed.
func (ps *packageStreams) start(c actor.Context, work *offload, m *followedFile) {
	rel, err := packagePath(ps.home, ps.worker, strings.TrimPrefix(m.key, "/"))
	if err != nil || !strings.HasSuffix(rel, ".zip") {
		return
	}
	// Not "<package>.dir", where a read of the received file extracts: a stream discarded in
	// the background must never remove what such a read wrote.
	st := &packageStream{dest: filepath.Join(ps.home, rel) + ".stream", done: make(chan struct{})}
	// One package is received at a time: an older one nobody claimed is stale.
	ps.discardAll()
	ps.pending[rel] = st
	// The reader is taken now, while the transfer most likely runs (a file whose transfer
	// ended with no reader can no longer be followed); it ends with the stream or the actor.
	ctx, cancel := context.WithCancel(work.ctx)
	st.cancel = cancel
	r := m.file.Reader(ctx)
	maxZip := ps.maxZip
	work.Run(c, 0, func(context.Context) any {
		defer close(st.done)
		defer r.Close()
		st.files, st.metadata, st.err = integrity.ReadPackageFrom(r, st.dest, maxZip)
		return nil
	})
}

// claim takes the stream of the package rel, if there is one.
func (ps *packageStreams) claim(rel string) *packageStream {
	st := ps.pending[rel]
	delete(ps.pending, rel)
	return st
}

// discardAll drops the streams nobody claimed: their packages will never be applied.
func (ps *packageStreams) discardAll() {
	for rel, st := range ps.pending {
		delete(ps.pending, rel)
		ps.discard(st)
	}
}

// discard stops the extraction and removes what it wrote, in the background. The removal is
// cleanup rather than work of the actor's: it runs to its end even when the actor stopped.
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
