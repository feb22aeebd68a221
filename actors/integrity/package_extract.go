package integrity

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zlib"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/clusterd/clusterd/messages"
)

// maxBufferedBody is the largest compressed body handed whole to a decompressing goroutine; a
// larger one is decompressed by the reading goroutine as it is read.
const maxBufferedBody = 8 << 20

// inflateBufferSize is the size of the writes of decompressed bytes.
const inflateBufferSize = 128 << 10

// errExtractionStopped stops reading a package once a member failed to extract.
var errExtractionStopped = errors.New("extraction stopped")

// errDecompressedTooLarge is the total decompressed size going over its bound; it becomes
// Wazuh's error 3053.
var errDecompressedTooLarge = errors.New("decompressed size over the bound")

// bodyBuffers recycles the buffers compressed bodies wait in.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// extraction is the state of one ReadPackageFrom. The reading goroutine splits the package,
// creates every file (so that names and folders are handled in package order) and hands the
// compressed bodies to goroutines (GOMAXPROCS by default) that decompress them: inflating is
// what limits reading a package. At most twice that many bodies wait in memory.
type extraction struct {
	root     *os.Root
	dest     string
	budget   atomic.Int64 // decompressed bytes still allowed
	files    map[string]string
	metadata []byte
	sawMeta  bool
	// metadataLimit bounds the decompressed metadata member (MetadataLimit).
	metadataLimit int64
	own           inflater // the reading goroutine's
	framed        bool     // a FormatFramed package

	jobs   chan extractJob
	slots  chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error // the first failure
	failed atomic.Bool
}

type extractJob struct {
	name string
	file *os.File
	body *[]byte
}

func newExtraction(root *os.Root, dest string, maxTotal int64) *extraction {
	x := &extraction{root: root, dest: dest, files: make(map[string]string), metadataLimit: MetadataLimit(maxTotal)}
	x.budget.Store(maxTotal)
	return x
}

// run extracts the package read from r with that many decompressing goroutines and returns
// the first failure.
func (x *extraction) run(r io.Reader, workers int) error {
	x.jobs = make(chan extractJob)
	x.slots = make(chan struct{}, 2*workers)
	for range workers {
		x.wg.Go(x.work)
	}
	x.own.framed = x.framed
	defer x.own.close()
	var err error
	if x.framed {
		err = scanFramed(r.(*bufio.Reader), x.member)
	} else {
		err = scanPackage(r, x.member)
	}
	if err != nil {
		x.fail(err)
	}
	close(x.jobs)
	x.wg.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.err
}

// fail records err unless an earlier failure was recorded.
func (x *extraction) fail(err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err == nil {
		x.err = err
		x.failed.Store(true)
	}
}

// member handles one member on the reading goroutine.
func (x *extraction) member(name string, body byteSource) error {
	if x.failed.Load() {
		return errExtractionStopped
	}
	if err := checkRelPath(name); err != nil {
		return fmt.Errorf("%w: member %s", err, quotePath(name))
	}
	if _, dup := x.files[name]; dup || (name == metadataMember && x.sawMeta) {
		return fmt.Errorf("%w: %s", ErrDuplicateMember, quotePath(name))
	}
	if name == metadataMember {
		// Bounded on its own, below the package's total: the metadata is the one member held
		// in memory.
		meta := &cappedBuffer{limit: int(x.metadataLimit)}
		if err := x.own.inflate(&x.budget, name, meta, body); err != nil {
			return err
		}
		x.metadata, x.sawMeta = meta.buf, true
		if x.metadata == nil {
			x.metadata = []byte{}
		}
		return nil
	}
	file, err := x.create(name)
	if err != nil {
		return err
	}
	x.files[name] = filepath.Join(x.dest, filepath.FromSlash(name))
	x.slots <- struct{}{}
	buf, complete, err := readBody(body, maxBufferedBody)
	if err == nil && complete {
		x.jobs <- extractJob{name: name, file: file, body: buf}
		return nil
	}
	defer func() {
		bodyBuffers.Put(buf)
		<-x.slots
	}()
	if err == nil {
		// Too big to wait in memory: decompress it here while the other goroutines go on.
		src := &prefixedBody{head: *buf, rest: body}
		if err = x.own.inflate(&x.budget, name, file, src); err == nil && len(src.head) > 0 {
			err = trailingData(name)
		}
		if err == nil {
			startWriteback(file)
		}
	}
	if cerr := file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("extract %s: %w", quotePath(name), cerr)
	}
	return err
}

// create creates dest/<name> and its folders. An existing file, folder or symbolic link of that
// name is an error, never followed or replaced; the os.Root keeps every step inside dest.
func (x *extraction) create(name string) (*os.File, error) {
	if dir := path.Dir(name); dir != "." {
		if err := x.root.MkdirAll(dir, extractDirMode); err != nil {
			return nil, fmt.Errorf("extract %s: %w", quotePath(name), err)
		}
	}
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, extractFileMode)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", quotePath(name), err)
	}
	return f, nil
}

// work decompresses bodies handed over by the reading goroutine.
func (x *extraction) work() {
	in := inflater{framed: x.framed}
	defer in.close()
	for job := range x.jobs {
		var err error
		if !x.failed.Load() {
			src := bytes.NewReader(*job.body)
			if err = in.inflate(&x.budget, job.name, job.file, src); err == nil && src.Len() > 0 {
				err = trailingData(job.name)
			}
			if err == nil {
				startWriteback(job.file)
			}
		}
		if cerr := job.file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("extract %s: %w", quotePath(job.name), cerr)
		}
		bodyBuffers.Put(job.body)
		<-x.slots
		if err != nil {
			x.fail(err)
		}
	}
}

func trailingData(name string) error {
	return fmt.Errorf("%w: %s: data after the end of the zlib stream", ErrCorruptMember, quotePath(name))
}

// readBody reads a member's compressed body into a pooled buffer, up to limit bytes; complete
// is false when the body goes on past limit.
func readBody(body io.Reader, limit int) (buf *[]byte, complete bool, err error) {
	buf = bodyBuffers.Get().(*[]byte)
	b := (*buf)[:0]
	defer func() { *buf = b }()
	for {
		if len(b) == cap(b) {
			if cap(b) >= limit {
				return buf, false, nil
			}
			b = slices.Grow(b, min(max(cap(b), 4096), limit-cap(b)))
		}
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}

// byteSource is what a zlib reader reads without reading ahead: with io.ByteReader it stops
// exactly at the end of its stream, so bytes after it can be detected.
type byteSource interface {
	io.Reader
	io.ByteReader
}

// prefixedBody is a body whose beginning was already read into head.
type prefixedBody struct {
	head []byte
	rest byteSource
}

func (p *prefixedBody) Read(b []byte) (int, error) {
	if len(p.head) == 0 {
		return p.rest.Read(b)
	}
	n := copy(b, p.head)
	p.head = p.head[n:]
	return n, nil
}

func (p *prefixedBody) ReadByte() (byte, error) {
	if len(p.head) == 0 {
		return p.rest.ReadByte()
	}
	c := p.head[0]
	p.head = p.head[1:]
	return c, nil
}

// inflater decompresses members, reusing its zlib or S2 reader and buffer; one per
// goroutine.
type inflater struct {
	framed bool // S2 bodies, not zlib
	zr     io.ReadCloser
	sr     *s2.Reader
	buf    []byte
}

// close releases what the inflater holds.
func (in *inflater) close() {
	if in.sr != nil {
		in.sr.Reset(nil)
	}
}

// unS2 is inflate for an S2 body: one stream up to the end of src.
func (in *inflater) unS2(budget *atomic.Int64, name string, w io.Writer, src byteSource) error {
	if in.sr == nil {
		in.sr, in.buf = newS2Reader(), make([]byte, inflateBufferSize)
	}
	in.sr.Reset(src)
	return in.copyOut(budget, name, w, in.sr)
}

// inflate writes the plain bytes of src, which must start with one zlib stream, to w, taking
// them from budget.
func (in *inflater) inflate(budget *atomic.Int64, name string, w io.Writer, src byteSource) error {
	if in.framed {
		return in.unS2(budget, name, w, src)
	}
	if in.zr == nil {
		zr, err := zlib.NewReader(src)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorruptMember, quotePath(name), err)
		}
		in.zr, in.buf = zr, make([]byte, inflateBufferSize)
	} else if err := in.zr.(zlib.Resetter).Reset(src, nil); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorruptMember, quotePath(name), err)
	}
	return in.copyOut(budget, name, w, in.zr)
}

// copyOut copies what a decompressor yields to w within budget.
func (in *inflater) copyOut(budget *atomic.Int64, name string, w io.Writer, r io.Reader) error {
	plain := &readErrorTracker{r: r}
	_, err := io.CopyBuffer(&budgetWriter{w: w, budget: budget}, plain, in.buf)
	switch {
	case plain.err != nil:
		return fmt.Errorf("%w: %s: %w", ErrCorruptMember, quotePath(name), plain.err)
	case errors.Is(err, errDecompressedTooLarge):
		return fmt.Errorf("extract %s: %w", quotePath(name), messages.ErrDecompressedTooLarge.New())
	case err != nil:
		return fmt.Errorf("extract %s: %w", quotePath(name), err)
	}
	return nil
}

// budgetWriter refuses bytes past the shared bound, before writing them.
type budgetWriter struct {
	w      io.Writer
	budget *atomic.Int64
}

func (b *budgetWriter) Write(p []byte) (int, error) {
	if b.budget.Add(-int64(len(p))) < 0 {
		return 0, errDecompressedTooLarge
	}
	return b.w.Write(p)
}
