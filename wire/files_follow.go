package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Why a followed file ended without being received whole.
var (
	errFollowDiscarded = errors.New("file discarded before it was received whole")
	errFollowMismatch  = errors.New("file received with a wrong checksum")
	errFollowGone      = errors.New("followed file closed")
)

// DefaultFollowMemory bounds the bytes a FileReceiver keeps in memory for the readers of its
// followed files, all files together (FileReceiverLimits.FollowMemory).
const DefaultFollowMemory int64 = 64 << 20

// FileFollower is told about each file a FileReceiver starts receiving (key = the new_file path,
// e.g. "/queue/cluster/worker1/worker1-1700000000.123456-<hex>.zip") and may read it while it
// arrives, to overlap its own work with the transfer. It is called on the receiver's goroutine
// (the actor that owns the connection) and must return at once: hand f to whoever reads it.
// The receiver's owner chooses its follower (FileReceiver.Follow); nothing is shared between
// receivers.
type FileFollower func(key string, f *FollowedFile)

// FollowedFile is a file being received, readable while it grows: its Reader returns its bytes
// as they arrive, then io.EOF once file_end confirmed the checksum, or an error if that never
// comes (checksum mismatch, discarded, connection lost).
//
// Once its reader is taken, the bytes that arrive are handed to it in memory, up to the
// receiver's FollowMemory, instead of being written to disk and read back: a reader that keeps
// up costs no file I/O at all. Bytes beyond that bound, or arriving with no reader, go to the
// temporary file, where the reader finds them in order. A file some of whose bytes only ever
// lived in memory is not renamed into place at file_end (WholeOnDisk): its reader had it all.
type FollowedFile struct {
	mu      sync.Mutex
	file    *os.File // a read-only descriptor of the temporary file
	size    int64    // bytes received so far
	done    bool
	err     error         // set with done when the file is not whole
	changed chan struct{} // closed and replaced at every change
	taken   bool          // the one reader was given out
	readers int           // open readers (0 or 1); the descriptor is closed with the last one
	closed  bool          // the receiver is done with it

	held   []heldBytes   // bytes kept for the reader and not on disk, oldest first
	memory *atomic.Int64 // the receiver's bytes held, all its files together
	limit  int64         // the bound on memory
	spared bool          // some bytes never reached the disk
}

// heldBytes are bytes at off of the file, kept in memory for its reader.
type heldBytes struct {
	off    int64
	data   []byte
	buf    *[]byte // from heldBuffers, or nil
	charge int64   // what they count against the receiver's bound
}

// heldBuffers recycles the buffers large pieces are copied into; file_upd pieces are at most
// RequestChunk bytes, and a sender's are all that size but its last.
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, RequestChunk); return &b }}

const (
	// pooledPiece is the size from which a held piece takes a buffer of heldBuffers.
	pooledPiece = RequestChunk / 2
	// minHeldCharge is the least a held piece counts against the bound: a peer sending
	// one-byte pieces must not make the receiver keep millions of them.
	minHeldCharge = 4 << 10
)

// pooledHeld reports whether a piece of n bytes is copied into a buffer of heldBuffers.
func pooledHeld(n int) bool { return n >= pooledPiece && n <= RequestChunk }

// heldCharge is what a held piece of n bytes counts against the bound: the buffer it is copied
// into, and at least minHeldCharge. It is known before anything is allocated.
func heldCharge(n int) int64 {
	if pooledHeld(n) {
		return RequestChunk
	}
	return max(int64(n), minHeldCharge)
}

// newHeld copies data, the bytes at off, into memory.
func newHeld(off int64, data []byte) heldBytes {
	h := heldBytes{off: off, charge: heldCharge(len(data))}
	if pooledHeld(len(data)) {
		h.buf = heldBuffers.Get().(*[]byte)
		h.data = append((*h.buf)[:0], data...)
	} else {
		h.data = make([]byte, len(data))
		copy(h.data, data)
	}
	return h
}

func newFollowedFile(file *os.File, memory *atomic.Int64, limit int64) *FollowedFile {
	return &FollowedFile{file: file, changed: make(chan struct{}), memory: memory, limit: limit}
}

// hold keeps a copy of data, the bytes at the current end of the file, for the reader, and
// reports whether it did; when it did not, the receiver writes them to the file.
func (f *FollowedFile) hold(data []byte) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readers == 0 || f.memory == nil || len(data) == 0 {
		return false
	}
	// The bound is checked before the copy is made.
	if charge := heldCharge(len(data)); f.memory.Add(charge) > f.limit {
		f.memory.Add(-charge)
		return false
	}
	f.held = append(f.held, newHeld(f.size, data))
	f.spared = true
	return true
}

// grew records n more bytes received, held or written.
func (f *FollowedFile) grew(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.size += int64(n)
	f.signal()
}

// WholeOnDisk reports whether every byte received so far was written to the temporary file.
func (f *FollowedFile) WholeOnDisk() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.spared
}

// end records the end of the transfer: err is nil when the file is whole.
func (f *FollowedFile) end(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done, f.err, f.closed = true, err, true
	f.signal()
	f.closeIfUnused()
}

func (f *FollowedFile) signal() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// closeIfUnused closes the descriptor and drops the held bytes once the receiver and the
// reader are done with them.
func (f *FollowedFile) closeIfUnused() {
	if f.readers > 0 {
		return
	}
	f.dropHeld()
	if f.closed && f.file != nil {
		_ = f.file.Close()
		f.file = nil
	}
}

// dropHeld gives the held bytes' memory back.
func (f *FollowedFile) dropHeld() {
	for _, h := range f.held {
		f.release(h)
	}
	f.held = nil
}

func (f *FollowedFile) release(h heldBytes) {
	f.memory.Add(-h.charge)
	if h.buf != nil {
		heldBuffers.Put(h.buf)
	}
}

// Reader returns the reader of the file from its beginning; it blocks for more bytes until the
// transfer ends or ctx is cancelled. Close it when done. There is one reader, taken while the
// transfer runs: a second one, or one taken once the transfer ended with no reader open, fails
// (errFollowGone), and the received file must be read instead.
func (f *FollowedFile) Reader(ctx context.Context) io.ReadCloser {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.file == nil || f.taken {
		return &followReader{f: f, ctx: ctx, closed: true}
	}
	f.taken = true
	f.readers++
	return &followReader{f: f, ctx: ctx}
}

type followReader struct {
	f      *FollowedFile
	ctx    context.Context
	off    int64
	closed bool
}

func (r *followReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		f := r.f
		f.mu.Lock()
		size, done, err, changed, file := f.size, f.done, f.err, f.changed, f.file
		switch {
		case r.closed || file == nil:
			f.mu.Unlock()
			return 0, errFollowGone
		case done && err != nil:
			f.mu.Unlock()
			return 0, err
		case r.off < size:
			if n, ok := r.readHeld(p); ok {
				f.mu.Unlock()
				return n, nil
			}
			end := size
			if len(f.held) > 0 {
				end = f.held[0].off // the bytes before the held ones are on disk
			}
			f.mu.Unlock()
			return r.readFile(file, p[:min(int64(len(p)), end-r.off)])
		case done:
			f.mu.Unlock()
			return 0, io.EOF
		}
		f.mu.Unlock()
		select {
		case <-changed:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}

// readHeld reads from the oldest held bytes when the reader is at them, and drops them once
// read. The caller holds f.mu.
func (r *followReader) readHeld(p []byte) (int, bool) {
	f := r.f
	if len(f.held) == 0 || f.held[0].off != r.off {
		return 0, false
	}
	h := &f.held[0]
	n := copy(p, h.data)
	h.data, h.off = h.data[n:], h.off+int64(n)
	r.off += int64(n)
	if len(h.data) == 0 {
		f.release(*h)
		f.held[0] = heldBytes{}
		f.held = f.held[1:]
	}
	return n, true
}

func (r *followReader) readFile(file *os.File, p []byte) (int, error) {
	n, err := file.ReadAt(p, r.off)
	r.off += int64(n)
	if n > 0 {
		return n, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF // the file is shorter than what was written to it
	}
	return 0, fmt.Errorf("read received file: %w", err)
}

// Close releases the reader: the bytes held for it are dropped, and the file's descriptor is
// closed once the transfer has ended.
func (r *followReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	f := r.f
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readers--
	f.closeIfUnused()
	return nil
}
