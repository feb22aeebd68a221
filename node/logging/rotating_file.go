package logging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

const (
	activeFileName = "cluster.log"
	activeFileMode = 0o660
	logsDirMode    = 0o750
)

// rotatingFile is cluster.log. The first write at or after local midnight renames the file aside
// and starts a fresh one, under the lock that orders writes, so every line lands in exactly one
// file. The renamed file is gzipped into the archive by a background job; jobs run one after the
// other in rotation order, and Close waits for them. This is Wazuh's CustomFileRotatingHandler
// (wlogging.py) with the compression moved off the writing path.
type rotatingFile struct {
	path       string
	archiveDir string
	now        func() time.Time
	// report hears of every failed job; it is set before the first job starts and may log into
	// this very file, which is why jobs never run with mu held.
	report func(error)

	mu       sync.Mutex
	file     *os.File
	fileDay  time.Time // local midnight opening the day whose lines the current file holds
	rotateAt time.Time
	closing  bool // no more rotations: Close is waiting for the jobs
	closed   bool
	lastJob  chan struct{} // closed when the most recently started job ends
	jobs     sync.WaitGroup

	errMu sync.Mutex
	errs  []error
}

// openRotatingFile opens (creating as needed) <logsDir>/cluster.log. Archiving of files left over
// from an earlier run starts only with resumeArchiving, once the caller is ready to hear of failures.
func openRotatingFile(logsDir string, now func() time.Time) (*rotatingFile, error) {
	if err := os.MkdirAll(logsDir, logsDirMode); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	w := &rotatingFile{
		path:       filepath.Join(logsDir, activeFileName),
		archiveDir: filepath.Join(logsDir, "cluster"),
		now:        now,
	}
	if err := w.openActive(now()); err != nil {
		return nil, err
	}
	return w, nil
}

// openActive opens cluster.log for appending. A file kept from an earlier run belongs to the day it
// was last written, as in Python's TimedRotatingFileHandler, so yesterday's file is rotated by the
// first line written today.
func (w *rotatingFile) openActive(now time.Time) error {
	file, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, activeFileMode)
	if err != nil {
		return fmt.Errorf("open %s: %w", w.path, err)
	}
	// Set explicitly because the umask would otherwise drop the group write bit Wazuh uses.
	if err := file.Chmod(activeFileMode); err != nil {
		_ = file.Close()
		return fmt.Errorf("set mode of %s: %w", w.path, err)
	}
	start := now
	if info, err := file.Stat(); err == nil && info.Size() > 0 && info.ModTime().Before(now) {
		start = info.ModTime()
	}
	w.file = file
	w.fileDay = startOfDay(start)
	w.rotateAt = w.fileDay.AddDate(0, 0, 1)
	return nil
}

// Write appends p to the current day's file, rotating first when midnight has passed.
func (w *rotatingFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, ErrClosed
	}
	if !w.closing {
		if now := w.now(); !now.Before(w.rotateAt) {
			w.rotate(now)
		}
	}
	if w.file == nil {
		if err := w.openActive(w.now()); err != nil {
			return 0, err
		}
	}
	n, err := w.file.Write(p)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", w.path, err)
	}
	return n, nil
}

// rotate moves the current file aside and opens a fresh one. It runs with mu held. Each call moves
// rotateAt past now, so a failing rotation is retried once a day, not on every line (its report is
// itself a line).
func (w *rotatingFile) rotate(now time.Time) {
	day := w.fileDay
	w.fileDay = startOfDay(now)
	w.rotateAt = w.fileDay.AddDate(0, 0, 1)
	if w.file != nil {
		if err := w.file.Close(); err != nil {
			w.startJob(reportOnly(fmt.Errorf("close %s for rotation: %w", w.path, err)))
		}
		w.file = nil
	}

	staged, err := w.stage(day)
	if err != nil {
		// Keep appending to the same file: its lines are archived a day late, not lost.
		w.startJob(reportOnly(err))
		if err := w.openActive(now); err == nil {
			w.fileDay = day
			w.rotateAt = startOfDay(now).AddDate(0, 0, 1)
		}
		return
	}
	w.startJob(func() error { return archive(staged, day, w.archiveDir) })
	// A failure here leaves file nil; Write retries the open and returns its error.
	_ = w.openActive(now)
}

// resumeArchiving archives files that an earlier run renamed aside but did not finish archiving.
func (w *rotatingFile) resumeArchiving() error {
	staged, err := findStaged(filepath.Dir(w.path))
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range staged {
		w.startJob(func() error { return archive(s.path, s.day, w.archiveDir) })
	}
	return nil
}

// startJob runs job in the background after every job started before it. It runs with mu held and
// never once closing is set, which is what makes the WaitGroup's Add safe against Close's Wait.
func (w *rotatingFile) startJob(job func() error) {
	previous, done := w.lastJob, make(chan struct{})
	w.lastJob = done
	w.jobs.Go(func() {
		defer close(done)
		if previous != nil {
			<-previous
		}
		if err := job(); err != nil {
			w.fail(err)
		}
	})
}

func reportOnly(err error) func() error {
	return func() error { return err }
}

func (w *rotatingFile) fail(err error) {
	w.errMu.Lock()
	w.errs = append(w.errs, err)
	w.errMu.Unlock()
	if w.report != nil {
		w.report(err)
	}
}

// Close waits for the archive jobs, then syncs and closes the file. It returns the errors of the
// close and of every failed job (which report has already heard). Later calls return nil.
func (w *rotatingFile) Close() error {
	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		return nil
	}
	w.closing = true
	w.mu.Unlock()

	// The file stays open meanwhile: a job that fails logs into it.
	w.jobs.Wait()

	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	var closeErrs []error
	if w.file != nil {
		if err := w.file.Sync(); err != nil {
			closeErrs = append(closeErrs, fmt.Errorf("sync %s: %w", w.path, err))
		}
		if err := w.file.Close(); err != nil {
			closeErrs = append(closeErrs, fmt.Errorf("close %s: %w", w.path, err))
		}
		w.file = nil
	}
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return errors.Join(slices.Concat(w.errs, closeErrs)...)
}

// startOfDay is the local midnight opening t's day.
func startOfDay(t time.Time) time.Time {
	year, month, day := t.In(time.Local).Date()
	return time.Date(year, month, day, 0, 0, 0, 0, time.Local)
}
