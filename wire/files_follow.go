package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Why a followed file ended without being received whole.
var (
	errFollowDiscarded = errors.New("file discarded before it was received whole")
	errFollowMismatch  = errors.New("file received with a wrong checksum")
	errFollowGone      = errors.New("followed file closed")
)

// FileFollower is told about each file a FileReceiver starts receiving (key = the new_file path,
// e.g. "/queue/cluster/worker1/worker1-1700000000.123456-<hex>.zip") and may read it while it
// arrives, to overlap its own work with the transfer. It is called on the receiver's goroutine
// (the actor that owns the connection) and must return at once: hand f to whoever reads it.
// The receiver's owner chooses its follower (FileReceiver.Follow); nothing is shared between
// receivers.
type FileFollower func(key string, f *FollowedFile)

// FollowedFile is a file being received, readable while it grows: Reader returns its bytes as
// they are written, then io.EOF once file_end confirmed the checksum and the file was renamed
// into place, or an error if it never will be (checksum mismatch, discarded, connection lost).
type FollowedFile struct {
	mu      sync.Mutex
	file    *os.File // a read-only descriptor of the temporary file
	size    int64    // bytes written so far
	done    bool
	err     error         // set with done when the file is not whole
	changed chan struct{} // closed and replaced at every change
	readers int           // open Readers; the descriptor is closed with the last one
	closed  bool          // the receiver is done with it
}

func newFollowedFile(file *os.File) *FollowedFile {
	return &FollowedFile{file: file, changed: make(chan struct{})}
}

// grew records n more bytes written.
func (f *FollowedFile) grew(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.size += int64(n)
	f.signal()
}

// end records the end of the transfer: err is nil when the file is whole and in place.
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

// closeIfUnused closes the descriptor once the receiver and every reader are done with it.
func (f *FollowedFile) closeIfUnused() {
	if f.closed && f.readers == 0 && f.file != nil {
		_ = f.file.Close()
		f.file = nil
	}
}

// Reader returns a reader of the file from its beginning; it blocks for more bytes until the
// transfer ends or ctx is cancelled. Close it when done. Take it while the transfer runs: once
// it has ended with no reader open, the file can no longer be read (errFollowGone), and the
// reader of the received file must be used instead.
func (f *FollowedFile) Reader(ctx context.Context) io.ReadCloser {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.file == nil {
		return &followReader{f: f, ctx: ctx, closed: true}
	}
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
		f.mu.Unlock()
		switch {
		case r.closed || file == nil:
			return 0, errFollowGone
		case done && err != nil:
			return 0, err
		case r.off < size:
			n, rerr := file.ReadAt(p[:min(int64(len(p)), size-r.off)], r.off)
			r.off += int64(n)
			if n > 0 {
				return n, nil
			}
			if rerr == nil || rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF // the file is shorter than what was written to it
			}
			return 0, fmt.Errorf("read received file: %w", rerr)
		case done:
			return 0, io.EOF
		}
		select {
		case <-changed:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}

// Close releases the reader; the file's descriptor is closed with the last reader once the
// transfer has ended.
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
