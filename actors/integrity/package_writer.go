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
	"sync"
	"sync/atomic"
)

// DefaultCompressLevel is cluster.json's compress_level.
const DefaultCompressLevel = 1

// copyBufferSize is the read size from a file into its compressor.
const copyBufferSize = 256 << 10

// copyBuffers recycles the buffers files are read through into their compressor.
var copyBuffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

// fallbackLevels are tried, in order, when a file compressed at the configured level contains
// the entry separator: another level gives other bytes.
var fallbackLevels = []int{9, 5, 2, zlib.HuffmanOnly, zlib.NoCompression}

// FileSource is one file to put in a package: its name in the package (a path relative to
// WAZUH_HOME, e.g. "etc/shared/default/agent.conf") and where to read it.
type FileSource struct {
	Rel  string
	Path string
}

// PackageWriter writes a package (§5.3) to an io.Writer, entry after entry, under a size limit
// applied as Wazuh's compress_files applies max_zip_size (§5.4): a file larger than the limit is
// skipped (ErrFileTooLarge); an entry that would take the package over the limit is refused and
// so is every later one (ErrZipLimitReached). The limit counts the compressed entries including
// their path and separators, not the final files_metadata.json member. Each file is compressed
// into a segment (memory, then an unlinked temporary file past a few MiB) and copied to the
// package once it is known to fit: no file is ever held whole in memory. A PackageWriter is
// used by one goroutine (AddFiles compresses on several internally).
type PackageWriter struct {
	out     *bufio.Writer
	format  PackageFormat
	level   int
	limit   int64
	tempDir string

	written atomic.Int64 // bytes of file entries, for the limit
	full    atomic.Bool  // the limit was reached: refuse every later entry
	broken  atomic.Bool  // err is set: stop compressing
	size    int64        // every byte written to out
	files   int
	closed  bool
	err     error // sticky: an invalid level or a failed write

	zlibs sync.Pool // *zlib.Writer at level
}

// NewPackageWriter returns a writer of a package to w at zlib level (0-9, Wazuh's
// compress_level, or -1/-2 for zlib's default and Huffman-only) with a size limit in bytes (the
// current zip limit; <= 0 means none). An invalid level makes every later call fail with
// ErrInvalidLevel.
func NewPackageWriter(w io.Writer, level int, limit int64) *PackageWriter {
	pw := &PackageWriter{out: bufio.NewWriterSize(w, copyBufferSize), level: level, limit: limit}
	if level < zlib.HuffmanOnly || level > zlib.BestCompression {
		pw.fail(fmt.Errorf("%w: %d", ErrInvalidLevel, level))
	}
	pw.zlibs.New = func() any {
		zw, _ := zlib.NewWriterLevel(io.Discard, level) // level checked above
		return zw
	}
	return pw
}

// SetTempDir sets where compressed files larger than a few MiB wait to be written (default
// os.TempDir()); the package's own folder is a good choice.
// NewPackageWriterFormat is NewPackageWriter for a package of format (level is zlib's, and
// checked, whatever the format: FormatFramed uses S2).
func NewPackageWriterFormat(w io.Writer, format PackageFormat, level int, limit int64) *PackageWriter {
	pw := NewPackageWriter(w, level, limit)
	pw.format = format
	if format == FormatFramed && pw.err == nil {
		_ = pw.write([]byte(framedMagic))
	}
	return pw
}

// overhead is what a member named rel adds to the package besides its body.
func (pw *PackageWriter) overhead(rel string, body int64) int64 {
	if pw.format == FormatFramed {
		return memberHeaderLen(rel, body)
	}
	return int64(len(rel) + len(pathSeparator) + len(entrySeparator))
}

func (pw *PackageWriter) SetTempDir(dir string) { pw.tempDir = dir }

// Size returns the number of bytes written so far.
func (pw *PackageWriter) Size() int64 { return pw.size }

// Files returns the number of file entries written so far.
func (pw *PackageWriter) Files() int { return pw.files }

// Err returns the error that made the writer unusable, if any.
func (pw *PackageWriter) Err() error { return pw.err }

// AddFile adds the file at path under the name rel. It returns added=false with ErrFileTooLarge,
// ErrZipLimitReached, ErrUnreadableFile, ErrInvalidPath or ErrSeparatorInData (wrapped) when the
// file was left out and the package is still good; any other error (ErrPackageWrite,
// ErrWriterClosed, ErrInvalidLevel) means the package is unusable.
func (pw *PackageWriter) AddFile(rel, path string) (added bool, err error) {
	if err := pw.usable(); err != nil {
		return false, err
	}
	seg := &segment{dir: pw.tempDir}
	defer seg.release()
	if err := pw.commit(rel, seg, pw.compress(FileSource{Rel: rel, Path: path}, seg)); err != nil {
		return false, err
	}
	return true, nil
}

// Close writes the final files_metadata.json member and flushes the package. The metadata is
// written whatever the limit.
func (pw *PackageWriter) Close(metadataJSON []byte) error {
	if err := pw.usable(); err != nil {
		return err
	}
	pw.closed = true
	var body, head []byte
	var err error
	if pw.format == FormatFramed {
		body = encodeS2(metadataJSON)
		head = appendMemberHeader(nil, metadataMember, int64(len(body)))
	} else {
		body, err = compressMember(metadataMember, metadataJSON, pw.level)
		head = []byte(metadataMember + pathSeparator)
	}
	if err != nil {
		return err
	}
	if err := pw.write(head); err != nil {
		return err
	}
	if err := pw.write(body); err != nil {
		return err
	}
	if err := pw.out.Flush(); err != nil {
		return pw.fail(fmt.Errorf("%w: %w", ErrPackageWrite, err))
	}
	return nil
}

func (pw *PackageWriter) usable() error {
	if pw.err != nil {
		return pw.err
	}
	if pw.closed {
		return ErrWriterClosed
	}
	return nil
}

// fail makes err sticky and returns it.
func (pw *PackageWriter) fail(err error) error {
	pw.err = err
	pw.broken.Store(true)
	return err
}

func (pw *PackageWriter) write(p []byte) error {
	n, err := pw.out.Write(p)
	pw.size += int64(n)
	if err != nil {
		return pw.fail(fmt.Errorf("%w: %w", ErrPackageWrite, err))
	}
	return nil
}

// commit writes a compressed entry, or records why it was left out. compressErr is what
// compress returned for it. Entries are committed in order, so the limit is applied exactly as
// Wazuh's sequential loop applies it.
func (pw *PackageWriter) commit(rel string, seg *segment, compressErr error) error {
	if pw.err != nil {
		return pw.err
	}
	if pw.full.Load() {
		return ErrZipLimitReached
	}
	switch {
	case errors.Is(compressErr, ErrPackageWrite):
		return pw.fail(compressErr)
	case errors.Is(compressErr, ErrZipLimitReached):
		pw.full.Store(true)
		return compressErr
	case compressErr != nil:
		return compressErr
	}
	entry := pw.overhead(rel, seg.size) + seg.size
	if pw.limit > 0 && pw.written.Load()+entry > pw.limit {
		pw.full.Store(true)
		return ErrZipLimitReached
	}
	head := []byte(rel + pathSeparator)
	if pw.format == FormatFramed {
		head = appendMemberHeader(nil, rel, seg.size)
	}
	if err := pw.write(head); err != nil {
		return err
	}
	n, err := seg.WriteTo(pw.out)
	pw.size += n
	if err != nil {
		return pw.fail(fmt.Errorf("%w: %s: %w", ErrPackageWrite, rel, err))
	}
	if pw.format != FormatFramed {
		if err := pw.write([]byte(entrySeparator)); err != nil {
			return err
		}
	}
	pw.written.Add(entry)
	pw.files++
	return nil
}

// compress reads one file into seg, compressed. It may run on several goroutines at once.
func (pw *PackageWriter) compress(src FileSource, seg *segment) error {
	if err := checkMemberName(src.Rel); err != nil {
		return err
	}
	if pw.full.Load() || pw.broken.Load() {
		return ErrZipLimitReached
	}
	fi, err := os.Stat(src.Path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnreadableFile, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrUnreadableFile, src.Path)
	}
	if pw.limit > 0 && fi.Size() > pw.limit {
		return fmt.Errorf("%w: %s", ErrFileTooLarge, src.Path)
	}
	if pw.limit > 0 {
		// The entry can only fit in what is left now: the package never shrinks.
		seg.budget = pw.limit - pw.written.Load() - pw.overhead(src.Rel, fi.Size())
		if seg.budget <= 0 {
			return ErrZipLimitReached
		}
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnreadableFile, err)
	}
	defer f.Close()
	buf := copyBuffers.Get().(*[copyBufferSize]byte)
	defer copyBuffers.Put(buf)
	if pw.format == FormatFramed {
		return pw.compressS2(f, seg, src.Rel, buf[:])
	}

	for i, level := range append([]int{pw.level}, fallbackLevels...) {
		if i > 0 {
			if level == pw.level {
				continue
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("%w: rewind %s: %w", ErrUnreadableFile, src.Path, err)
			}
			seg.reset()
		}
		clean, err := pw.compressAt(level, f, seg, src.Rel, buf[:])
		if err != nil || clean {
			return err
		}
	}
	return fmt.Errorf("%w: %s", ErrSeparatorInData, src.Rel)
}

// compressAt compresses r into seg at one level and reports whether the entry is free of
// separators.
func (pw *PackageWriter) compressAt(level int, r io.Reader, seg *segment, rel string, buf []byte) (clean bool, err error) {
	guard := newSeparatorGuard(seg, rel+pathSeparator)
	var zw *zlib.Writer
	if level == pw.level {
		zw = pw.zlibs.Get().(*zlib.Writer)
		defer pw.zlibs.Put(zw)
		zw.Reset(guard)
	} else {
		zw, _ = zlib.NewWriterLevel(guard, level) // levels of fallbackLevels are valid
	}
	src := &readErrorTracker{r: r}
	_, err = io.CopyBuffer(zw, src, buf)
	if err == nil {
		err = zw.Close()
	}
	switch {
	case src.err != nil:
		return false, fmt.Errorf("%w: %s: %w", ErrUnreadableFile, rel, src.err)
	case errors.Is(err, errOverBudget):
		return false, ErrZipLimitReached
	case err != nil:
		return false, err
	}
	return guard.clean(), nil
}

// compressMember compresses a final member held in memory (files_metadata.json), trying other
// levels if the result contains the entry separator.
// compressS2 compresses r into seg as one S2 stream; lengths frame the members of a
// FormatFramed package, so no separator can get in the way.
func (pw *PackageWriter) compressS2(r io.Reader, seg *segment, rel string, buf []byte) error {
	enc := s2Writers.Get().(*s2.Writer)
	defer s2Writers.Put(enc)
	enc.Reset(seg)
	src := &readErrorTracker{r: r}
	_, err := io.CopyBuffer(enc, src, buf)
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	enc.Reset(nil)
	switch {
	case src.err != nil:
		return fmt.Errorf("%w: %s: %w", ErrUnreadableFile, rel, src.err)
	case errors.Is(err, errOverBudget):
		return ErrZipLimitReached
	}
	return err
}

func compressMember(name string, data []byte, level int) ([]byte, error) {
	for i, l := range append([]int{level}, fallbackLevels...) {
		if i > 0 && l == level {
			continue
		}
		var body bytes.Buffer
		guard := newSeparatorGuard(&body, name+pathSeparator)
		zw, err := zlib.NewWriterLevel(guard, l)
		if err != nil {
			return nil, fmt.Errorf("%w: %d", ErrInvalidLevel, l)
		}
		if _, err := zw.Write(data); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if !guard.found {
			return body.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrSeparatorInData, name)
}

// readErrorTracker remembers a read error, so that a failed read of the source (the file is
// unreadable) is told apart from a failed write (the package is broken). It hides the file's
// WriterTo so that io.CopyBuffer uses the caller's buffer.
type readErrorTracker struct {
	r   io.Reader
	err error
}

func (t *readErrorTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}
