package gossip

import (
	"bytes"
	"log"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

func newCapturingEntry() (*logrus.Entry, *bytes.Buffer) {
	var out bytes.Buffer
	logger := logrus.New()
	logger.SetOutput(&out)
	logger.SetLevel(logrus.DebugLevel)
	logger.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true, DisableColors: true})
	return logrus.NewEntry(logger), &out
}

func TestLogWriterMapsLevels(t *testing.T) {
	tests := []struct {
		line, level, msg string
	}{
		{"[DEBUG] memberlist: Initiating push/pull sync with: node0", "debug", "memberlist: Initiating push/pull sync with: node0"},
		{"[INFO] memberlist: Marking node2 as failed", "debug", "memberlist: Marking node2 as failed"},
		{"[WARN] memberlist: Refuting a suspect message (from: node1)", "warning", "memberlist: Refuting a suspect message (from: node1)"},
		{"[ERR] memberlist: Conflicting address for node2", "error", "memberlist: Conflicting address for node2"},
		{"[ERROR] memberlist: Failed to compress payload", "error", "memberlist: Failed to compress payload"},
		{"Err: Could not set the deadline: timeout", "error", "Could not set the deadline: timeout"},
		{"something unexpected", "warning", "something unexpected"},
	}
	for _, tt := range tests {
		entry, out := newCapturingEntry()
		std := log.New(logWriter{entry: entry}, "", 0)
		std.Print(tt.line)
		got := out.String()
		if !strings.Contains(got, "level="+tt.level) || !strings.Contains(got, tt.msg) {
			t.Errorf("%q logged as %q, want level %s and message %q", tt.line, got, tt.level, tt.msg)
		}
	}
}

func TestLogWriterRespectsLevel(t *testing.T) {
	entry, out := newCapturingEntry()
	entry.Logger.SetLevel(logrus.InfoLevel)
	n, err := logWriter{entry: entry}.Write([]byte("[DEBUG] memberlist: noise\n"))
	if n != len("[DEBUG] memberlist: noise\n") || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if out.Len() != 0 {
		t.Fatalf("debug line logged at info level: %q", out.String())
	}
}

func FuzzLogWriter(f *testing.F) {
	f.Add([]byte("[WARN] memberlist: ignoring alive message for 'node1': gossip: invalid node meta\n"))
	f.Add([]byte("[ERR]"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		entry, _ := newCapturingEntry()
		if n, err := (logWriter{entry: entry}).Write(line); n != len(line) || err != nil {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(line))
		}
	})
}
