package actors

import (
	"io"
	"sync"
)

// pipeChunk bounds one buffered write of a packagePipe.
const pipeChunk = 256 << 10

// packagePipe carries a package from its builder to its sender, holding up to
// pipeDepth*pipeChunk bytes: the builder keeps compressing while the sender waits for the
// peer's answer to each piece, where an unbuffered io.Pipe would stop it.
type packagePipe struct {
	chunks chan []byte   // views of pipeBuffers arrays
	done   chan struct{} // closed when the reader gives up
	once   sync.Once
	werr   error  // set before chunks is closed: nil for a complete package
	rerr   error  // why the reader gave up; set before done is closed
	head   []byte // the rest of the chunk being read
	held   *[pipeChunk]byte
}

// pipeDepth is how many chunks wait between builder and sender (8 MiB).
const pipeDepth = 32

// pipeBuffers recycles the chunks of packagePipes.
var pipeBuffers = sync.Pool{New: func() any { return new([pipeChunk]byte) }}

func newPackagePipe() *packagePipe {
	return &packagePipe{chunks: make(chan []byte, pipeDepth), done: make(chan struct{})}
}

// Write queues a copy of p; it blocks while the pipe is full and fails once the reader gave up.
func (p *packagePipe) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		buf := pipeBuffers.Get().(*[pipeChunk]byte)
		chunk := buf[:copy(buf[:], b)]
		select {
		case p.chunks <- chunk:
		case <-p.done:
			pipeBuffers.Put(buf)
			return n, p.rerr
		}
		n += len(chunk)
		b = b[len(chunk):]
	}
	return n, nil
}

// closeWrite ends the package: the reader sees io.EOF after the queued bytes when err is nil,
// else err.
func (p *packagePipe) closeWrite(err error) {
	p.werr = err
	close(p.chunks)
}

// Read reads the queued bytes in order.
func (p *packagePipe) Read(b []byte) (int, error) {
	for len(p.head) == 0 {
		if p.held != nil {
			pipeBuffers.Put(p.held)
			p.held = nil
		}
		chunk, ok := <-p.chunks
		if !ok {
			if p.werr != nil {
				return 0, p.werr
			}
			return 0, io.EOF
		}
		p.head, p.held = chunk, (*[pipeChunk]byte)(chunk[:pipeChunk])
	}
	n := copy(b, p.head)
	p.head = p.head[n:]
	return n, nil
}

// closeRead gives up reading: pending and later writes fail with err.
func (p *packagePipe) closeRead(err error) {
	p.once.Do(func() {
		p.rerr = err
		close(p.done)
	})
}
