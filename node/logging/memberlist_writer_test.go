package logging

import (
	"log"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sirupsen/logrus"
)

func TestMemberlistWriterParsesPrefixes(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel logrus.Level
		wantMsg   string
	}{
		{"2024/05/01 10:00:00 [DEBUG] memberlist: Stream connection from=127.0.0.1:7946\n",
			logrus.DebugLevel, "memberlist: Stream connection from=127.0.0.1:7946"},
		{"2024/05/01 10:00:00 [INFO] memberlist: Suspect worker1 has failed, no acks received\n",
			logrus.DebugLevel, "memberlist: Suspect worker1 has failed, no acks received"},
		{"2024/05/01 10:00:00 [WARN] memberlist: Was able to connect to worker2 over TCP but UDP probes failed\n",
			logrus.WarnLevel, "memberlist: Was able to connect to worker2 over TCP but UDP probes failed"},
		{"2024/05/01 10:00:00 [ERR] memberlist: Failed to send ping: write udp: i/o timeout\n",
			logrus.ErrorLevel, "memberlist: Failed to send ping: write udp: i/o timeout"},
		{"2024/05/01 10:00:00 [ERROR] memberlist: Failed to compress payload: boom\n",
			logrus.ErrorLevel, "memberlist: Failed to compress payload: boom"},
		{"2024/05/01 10:00:00.123456 [WARN] memberlist: microseconds\n", logrus.WarnLevel, "memberlist: microseconds"},
		{"[ERR] memberlist: no timestamp\n", logrus.ErrorLevel, "memberlist: no timestamp"},
		{"2024/05/01 10:00:00 Err: Could not set the deadline: closed\n", logrus.WarnLevel, "Err: Could not set the deadline: closed"},
		{"2024/05/01 10:00:00 [NOTICE] odd\n", logrus.WarnLevel, "[NOTICE] odd"},
		{"2024/05/01 [WARN] half a timestamp\r\n", logrus.WarnLevel, "half a timestamp"},
		{"[WARN", logrus.WarnLevel, "[WARN"},
		{"2024/05/01 10:00:00 [DEBUG] esc \x1b[31mred\x1b[0m \xff\n", logrus.DebugLevel, "esc \uFFFD[31mred\uFFFD[0m \uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			entry, hook := capturingEntry(logrus.TraceLevel)
			w := NewMemberlistWriter(entry)
			n, err := w.Write([]byte(tt.line))
			if n != len(tt.line) || err != nil {
				t.Errorf("Write = %d, %v; want %d, nil", n, err, len(tt.line))
			}
			got := hook.Entries()
			if len(got) != 1 {
				t.Fatalf("got %d entries, want 1", len(got))
			}
			if got[0].Level != tt.wantLevel || got[0].Message != tt.wantMsg {
				t.Errorf("got %v %q, want %v %q", got[0].Level, got[0].Message, tt.wantLevel, tt.wantMsg)
			}
			if got[0].Data[FieldTag] != "Memberlist" {
				t.Errorf("tag = %v, want Memberlist", got[0].Data[FieldTag])
			}
		})
	}
}

func TestMemberlistWriterThroughStdLogger(t *testing.T) {
	var out syncBuffer
	entry := Tagged(NewWriterLogger(&out, logrus.DebugLevel), "Cluster", "Gossip")
	stdLogger := log.New(NewMemberlistWriter(entry), "", log.LstdFlags)
	stdLogger.Printf("[WARN] memberlist: Refuting a suspect message (from: %s)", "worker2")
	stdLogger.Printf("[DEBUG] memberlist: Initiating push/pull sync with: %s", "worker2")

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %q", out.String())
	}
	if want := " WARNING: [Cluster] [Gossip] memberlist: Refuting a suspect message (from: worker2)"; !strings.HasSuffix(lines[0], want) {
		t.Errorf("line 1 = %q, want suffix %q", lines[0], want)
	}
	if want := " DEBUG: [Cluster] [Gossip] memberlist: Initiating push/pull sync with: worker2"; !strings.HasSuffix(lines[1], want) {
		t.Errorf("line 2 = %q, want suffix %q", lines[1], want)
	}
}

func TestMemberlistWriterSplitsLinesAndSkipsBlankOnes(t *testing.T) {
	entry, hook := capturingEntry(logrus.TraceLevel)
	w := NewMemberlistWriter(entry)
	input := "[WARN] one\n\n   \n[ERR] two\n[DEBUG] three"
	if n, err := w.Write([]byte(input)); n != len(input) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	var got []string
	for _, e := range hook.Entries() {
		got = append(got, e.Level.String()+" "+e.Message)
	}
	want := []string{"warning one", "error two", "debug three"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMemberlistWriterHonoursLevel(t *testing.T) {
	entry, hook := capturingEntry(logrus.InfoLevel)
	w := NewMemberlistWriter(entry)
	_, _ = w.Write([]byte("2024/05/01 10:00:00 [INFO] memberlist: chatty\n2024/05/01 10:00:00 [ERR] memberlist: bad\n"))
	got := hook.Entries()
	if len(got) != 1 || got[0].Message != "memberlist: bad" {
		t.Errorf("entries = %+v, want only the error", got)
	}
}

func FuzzMemberlistWriter(f *testing.F) {
	for _, seed := range []string{
		"2024/05/01 10:00:00 [DEBUG] memberlist: Stream connection from=127.0.0.1:7946\n",
		"2024/05/01 10:00:00 [WARN] memberlist: Got ping for unexpected node 'evil\x1b[2J' from=10.0.0.9:7946\n",
		"2024/05/01 10:00:00.000001 [ERR] memberlist: Failed fallback TCP ping: EOF\n",
		"Err: Could not set the deadline\n",
		"[", "[]", "[WARN", "2024/05/01 1", "\xff\xfe\n\n\r",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var out syncBuffer
		w := NewMemberlistWriter(NewWriterLogger(&out, logrus.TraceLevel))
		n, err := w.Write(input)
		if n != len(input) || err != nil {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(input))
		}
		text := out.String()
		if !utf8.ValidString(text) {
			t.Fatalf("output is not UTF-8: %q", text)
		}
		lines := strings.Count(text, "\n")
		if lines > strings.Count(string(input), "\n")+1 {
			t.Fatalf("%d lines out of %q", lines, input)
		}
		for _, r := range strings.ReplaceAll(text, "\n", "") {
			if r != '\t' && unicode.IsControl(r) {
				t.Fatalf("control character %U in %q", r, text)
			}
		}
	})
}
