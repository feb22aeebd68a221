package logging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func newTestLogger(t *testing.T, opts Options) (*logrus.Logger, func() error) {
	t.Helper()
	logger, closer, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = closer.Close()
		}
	})
	return logger, func() error {
		closed = true
		return closer.Close()
	}
}

func TestNewCreatesClusterLogWithWazuhModes(t *testing.T) {
	home := t.TempDir()
	clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})

	path := filepath.Join(home, "logs", "cluster.log")
	if got := fileMode(t, path); got != 0o660 {
		t.Errorf("cluster.log mode = %o, want 660", got)
	}
	if got := fileMode(t, filepath.Join(home, "logs")); got != 0o750 {
		t.Errorf("logs dir mode = %o, want 750", got)
	}

	Tagged(logrus.NewEntry(logger), "Cluster", "Main").Info("Starting.")
	if err := closeLog(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got, want := readFile(t, path), "2024/05/01 10:00:00 INFO: [Cluster] [Main] Starting.\n"; got != want {
		t.Errorf("cluster.log = %q, want %q", got, want)
	}
}

func TestNewAppendsToExistingFile(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "logs", "cluster.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("earlier line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(time.Now())
	logger, closeLog := newTestLogger(t, Options{Home: home, Now: clock.Now})
	logger.Info("later line")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	if !strings.HasPrefix(got, "earlier line\n") || !strings.HasSuffix(got, "INFO: later line\n") {
		t.Errorf("cluster.log = %q", got)
	}
	if mode := fileMode(t, path); mode != 0o660 {
		t.Errorf("mode = %o, want 660", mode)
	}
}

func TestNewDebugLevels(t *testing.T) {
	tests := []struct {
		debug int
		want  []string
	}{
		{0, []string{"INFO: info", "WARNING: warn", "ERROR: error"}},
		{1, []string{"DEBUG: debug", "INFO: info", "WARNING: warn", "ERROR: error"}},
		{2, []string{"DEBUG2: trace", "DEBUG: debug", "INFO: info", "WARNING: warn", "ERROR: error"}},
		{3, []string{"DEBUG2: trace", "DEBUG: debug", "INFO: info", "WARNING: warn", "ERROR: error"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("debug=%d", tt.debug), func(t *testing.T) {
			home := t.TempDir()
			clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
			logger, closeLog := newTestLogger(t, Options{Home: home, Debug: tt.debug, Now: clock.Now})
			logger.Trace("trace")
			logger.Debug("debug")
			logger.Info("info")
			logger.Warn("warn")
			logger.Error("error")
			if err := closeLog(); err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for _, line := range tt.want {
				want.WriteString("2024/05/01 10:00:00 " + line + "\n")
			}
			if got := readFile(t, filepath.Join(home, "logs", "cluster.log")); got != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got, want.String())
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	if _, _, err := New(Options{}); !errors.Is(err, ErrNoHome) {
		t.Errorf("no home: err = %v, want ErrNoHome", err)
	}
	if _, _, err := New(Options{Home: t.TempDir(), Debug: -1}); !errors.Is(err, ErrInvalidDebug) {
		t.Errorf("debug -1: err = %v, want ErrInvalidDebug", err)
	}
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := New(Options{Home: blocker}); err == nil {
		t.Error("home under a regular file: want an error")
	}
}

func TestNewForegroundCopiesToStderr(t *testing.T) {
	home := t.TempDir()
	var stderr syncBuffer
	clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, Foreground: true, Stderr: &stderr, Now: clock.Now})
	logger.Warn("Lost connection with master.")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	want := "2024/05/01 10:00:00 WARNING: Lost connection with master.\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if got := readFile(t, filepath.Join(home, "logs", "cluster.log")); got != want {
		t.Errorf("cluster.log = %q, want %q", got, want)
	}
}

func TestNewWithoutForegroundLeavesStderrAlone(t *testing.T) {
	var stderr syncBuffer
	logger, closeLog := newTestLogger(t, Options{Home: t.TempDir(), Stderr: &stderr})
	logger.Info("quiet")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	if got := stderr.String(); got != "" {
		t.Errorf("stderr = %q, want nothing", got)
	}
}

func TestNewJSON(t *testing.T) {
	home := t.TempDir()
	clock := newFakeClock(localTime(2024, time.May, 1, 10, 0, 0))
	logger, closeLog := newTestLogger(t, Options{Home: home, JSON: true, Now: clock.Now})
	Tagged(logrus.NewEntry(logger), "Master", "Main").WithField("peer", "worker1").Info("Connection from worker1")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	got := decodeJSONLine(t, readFile(t, filepath.Join(home, "logs", "cluster.log")))
	if got["level"] != "INFO" || got["tag"] != "Master" || got["subtag"] != "Main" || got["msg"] != "Connection from worker1" {
		t.Errorf("line = %v", got)
	}
	if fields, _ := got["fields"].(map[string]any); fields["peer"] != "worker1" {
		t.Errorf("fields = %v", got["fields"])
	}
}

func TestWritesAfterCloseFail(t *testing.T) {
	home := t.TempDir()
	_, closer, err := New(Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	if err := closer.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := closer.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := closer.(*rotatingFile).Write([]byte("late\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: err = %v, want ErrClosed", err)
	}
}
