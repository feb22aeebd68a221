package remoted

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Archive writer tuning: lines are written in batches of up to
// archiveBatchBytes; a failed write is retried after archiveRetryMin,
// doubling up to archiveRetryMax; at Stop a failing disk gets
// archiveStopGrace before the remaining lines are given up.
const (
	archiveBatchBytes = 256 << 10
	archiveRetryMin   = 100 * time.Millisecond
	archiveRetryMax   = 5 * time.Second
	archiveStopGrace  = 5 * time.Second
	archiveIdleCheck  = time.Minute
	archiveFileName   = "archives.log"
)

// archiveItem is one analysis line (no newline) and the agent it counts for.
type archiveItem struct {
	line  string
	agent *agent
}

// archiveFile is where the archive writes; a real file, or a test's stand-in.
type archiveFile interface {
	io.Writer
	io.Closer
}

// archive is the one writer of logs/archives/archives.log, fed by a bounded
// queue: when the queue is full the connection goroutines wait (back-pressure);
// a failing write is retried, never dropped, and the queue backs up meanwhile.
// The file is rotated at local midnight into
// logs/archives/<YYYY>/<Mon>/archives-<DD>.log.
type archive struct {
	dir      string
	now      func() time.Time
	limited  *rateLog
	openFile func(path string) (archiveFile, error)

	in     chan archiveItem
	stopCh chan struct{}
	done   chan struct{}

	// Owned by the writer goroutine (and by open before it starts).
	f       archiveFile
	day     civilDay
	buf     []byte
	credits []*agent // agents of the lines in buf, credited once written
	lines   int      // lines in buf
	err     error    // what stop reports: lines lost at the end

	linesWritten atomic.Uint64
	writeErrors  atomic.Uint64
}

type civilDay struct {
	year  int
	month time.Month
	day   int
}

func dayOf(t time.Time) civilDay {
	y, m, d := t.Date()
	return civilDay{y, m, d}
}

func newArchive(cfg Config, limited *rateLog) *archive {
	return &archive{
		dir:      filepath.Join(cfg.Home, "logs", "archives"),
		now:      cfg.Now,
		limited:  limited,
		openFile: openAppend,
		in:       make(chan archiveItem, cfg.ArchiveQueue),
		stopCh:   make(chan struct{}),
		done:     make(chan struct{}),
	}
}

func openAppend(path string) (archiveFile, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
}

func (w *archive) path() string { return filepath.Join(w.dir, archiveFileName) }

// rotatedPath is where the archive of day d goes.
func (w *archive) rotatedPath(d civilDay) string {
	return filepath.Join(w.dir, fmt.Sprintf("%04d", d.year), d.month.String()[:3], fmt.Sprintf("archives-%02d.log", d.day))
}

// open creates the folder and opens archives.log; a file left from an
// earlier day (by its mtime) is rotated first.
func (w *archive) open() error {
	if err := os.MkdirAll(w.dir, 0o750); err != nil {
		return fmt.Errorf("create archive folder: %w", err)
	}
	w.day = dayOf(w.now())
	if fi, err := os.Stat(w.path()); err == nil && fi.Size() > 0 {
		if old := dayOf(fi.ModTime().In(w.now().Location())); old != w.day {
			if err := moveOrAppend(w.path(), w.rotatedPath(old)); err != nil {
				return fmt.Errorf("rotate archive: %w", err)
			}
		}
	}
	f, err := w.openFile(w.path())
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	w.f = f
	return nil
}

func (w *archive) closeFile() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

func (w *archive) start() { go w.run() }

// stop drains the queue into the file and closes it. Call it only when no
// goroutine sends any more.
func (w *archive) stop() error {
	close(w.stopCh)
	close(w.in)
	<-w.done
	return w.err
}

func (w *archive) run() {
	defer close(w.done)
	defer w.closeFile()
	idle := time.NewTicker(archiveIdleCheck)
	defer idle.Stop()
	for {
		select {
		case it, ok := <-w.in:
			if !ok {
				w.finish()
				return
			}
			w.add(it)
			if !w.collect() {
				w.finish()
				return
			}
			w.flush()
		case <-idle.C:
			w.rotateIfDue()
		}
	}
}

// collect takes what is already queued, up to a batch; false when the queue closed.
func (w *archive) collect() bool {
	for len(w.buf) < archiveBatchBytes {
		select {
		case it, ok := <-w.in:
			if !ok {
				return false
			}
			w.add(it)
		default:
			return true
		}
	}
	return true
}

func (w *archive) add(it archiveItem) {
	w.rotateIfDue()
	w.buf = append(w.buf, it.line...)
	w.buf = append(w.buf, '\n')
	w.lines++
	if it.agent != nil {
		w.credits = append(w.credits, it.agent)
	}
}

// flush writes the buffer, retrying a failing write (disk full) with a
// backoff and a warning a minute, until it succeeds or, after stop, the grace
// period ends. It reports whether everything was written.
func (w *archive) flush() bool {
	delay := archiveRetryMin
	var giveUp <-chan time.Time
	for len(w.buf) > 0 {
		var n int
		err := errNoArchiveFile
		if w.f != nil {
			n, err = w.f.Write(w.buf)
		}
		w.buf = w.buf[:copy(w.buf, w.buf[n:])]
		if err == nil && len(w.buf) == 0 {
			break
		}
		if err == nil {
			err = io.ErrShortWrite
		}
		w.writeErrors.Add(1)
		w.limited.warn("archive-write", "write %s: %v; retrying (events are kept)", w.path(), err)
		if w.f == nil {
			if f, oerr := w.openFile(w.path()); oerr == nil {
				w.f = f
			}
		}
		select {
		case <-w.stopCh:
			if giveUp == nil {
				giveUp = time.After(archiveStopGrace)
			}
		default:
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-giveUp:
			t.Stop()
			return false
		}
		delay = min(2*delay, archiveRetryMax)
	}
	w.linesWritten.Add(uint64(w.lines))
	for i, a := range w.credits {
		a.archived.Add(1)
		w.credits[i] = nil
	}
	w.credits = w.credits[:0]
	w.lines = 0
	return true
}

// finish writes what is left at stop.
func (w *archive) finish() {
	if !w.flush() {
		w.err = fmt.Errorf("archive: %d lines not written at stop: %w", w.lines, errArchiveLost)
	}
}

// rotateIfDue moves archives.log aside when the local day changed. The
// buffer belongs to the old day and is written first; if that fails the
// rotation waits for the next line.
func (w *archive) rotateIfDue() {
	today := dayOf(w.now())
	if today == w.day {
		return
	}
	if len(w.buf) > 0 && !w.flush() {
		return
	}
	w.closeFile()
	if err := moveOrAppend(w.path(), w.rotatedPath(w.day)); err != nil {
		w.limited.warn("archive-rotate", "rotate %s: %v", w.path(), err)
	}
	w.day = today
	f, err := w.openFile(w.path())
	if err != nil {
		w.limited.warn("archive-open", "open %s: %v", w.path(), err)
		return
	}
	w.f = f
}

// moveOrAppend renames src to dst, or appends src to dst when dst already
// exists (a restart on the same day rotated part of it before).
func moveOrAppend(src, dst string) error {
	if _, err := os.Stat(src); os.IsNotExist(err) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
	}
	if _, err := os.Stat(dst); os.IsNotExist(err) {
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("rename %s: %w", src, err)
		}
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("open %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("append %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("append %s to %s: %w", src, dst, err)
	}
	return os.Remove(src)
}
