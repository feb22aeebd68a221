package logging

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
)

// Options for a node's root logger.
type Options struct {
	// Home is the Wazuh home: logs go to <Home>/logs/cluster.log (created 0660, directories 0750 as
	// needed) and are archived under <Home>/logs/cluster/.
	Home string
	// Foreground also writes every line to Stderr, like wazuh-clusterd -f.
	Foreground bool
	// Stderr receives the foreground copy; nil means os.Stderr.
	Stderr io.Writer
	// Debug is wazuh-clusterd's -d count: 0 → INFO, 1 → DEBUG, 2 or more → DEBUG2 (logrus Trace).
	Debug int
	// JSON writes one JSON object per line instead of Wazuh's text (see JSONFormatter).
	JSON bool
	// Now is the clock deciding rotation; when set it also stamps every entry, so that tests get
	// fixed line times. Nil means time.Now.
	Now func() time.Time
}

// New builds a node's root logger and the closer that flushes and closes cluster.log. The file
// rotates at local midnight: the day's file is gzipped to
// <Home>/logs/cluster/<YYYY>/<Mon>/cluster.log-<DD>.gz (mode 0640) and a fresh cluster.log is
// started, as Wazuh does. The gzip runs in the background; the closer waits for it. Failures of the
// background work are logged (tag "Cluster") and also returned by the closer.
func New(opts Options) (*logrus.Logger, io.Closer, error) {
	if opts.Home == "" {
		return nil, nil, ErrNoHome
	}
	level, err := levelForDebug(opts.Debug)
	if err != nil {
		return nil, nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	file, err := openRotatingFile(filepath.Join(opts.Home, "logs"), now)
	if err != nil {
		return nil, nil, fmt.Errorf("open cluster.log: %w", err)
	}

	logger := logrus.New()
	logger.SetLevel(level)
	if opts.JSON {
		logger.SetFormatter(&JSONFormatter{})
	} else {
		logger.SetFormatter(&Formatter{})
	}
	if opts.Foreground {
		stderr := opts.Stderr
		if stderr == nil {
			stderr = os.Stderr
		}
		logger.SetOutput(&teeWriter{primary: file, mirror: stderr})
	} else {
		logger.SetOutput(file)
	}
	if opts.Now != nil {
		logger.AddHook(clockHook{now: opts.Now})
	}

	background := Tagged(logrus.NewEntry(logger), "Cluster", "Main")
	file.report = func(err error) {
		background.WithError(err).Error("Could not archive cluster.log")
	}
	if err := file.resumeArchiving(); err != nil {
		background.WithError(err).Error("Could not look for rotated logs left to archive")
	}
	return logger, file, nil
}

// NewWriterLogger returns an entry of a logger that writes Wazuh-format lines to w at level. Tests
// point it at an adapter of testing.TB.Log.
func NewWriterLogger(w io.Writer, level logrus.Level) *logrus.Entry {
	logger := logrus.New()
	logger.SetOutput(w)
	logger.SetFormatter(&Formatter{})
	logger.SetLevel(level)
	return logrus.NewEntry(logger)
}

// Discard returns an entry that logs nothing, for tests. Its level is DEBUG2 so that formatting
// code still runs (and is seen by -race) on every path.
func Discard() *logrus.Entry {
	return NewWriterLogger(io.Discard, logrus.TraceLevel)
}

// teeWriter duplicates lines to a second writer (stderr in foreground mode) whose failures must not
// hold up the log file.
type teeWriter struct {
	primary io.Writer
	mirror  io.Writer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.primary.Write(p)
	_, _ = t.mirror.Write(p)
	return n, err
}

// clockHook stamps entries with an injected clock.
type clockHook struct {
	now func() time.Time
}

func (clockHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h clockHook) Fire(entry *logrus.Entry) error {
	entry.Time = h.now()
	return nil
}
