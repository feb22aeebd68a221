package logging

import (
	"errors"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

var fixedTime = localTime(2024, time.May, 1, 10, 0, 0).Add(987 * time.Millisecond)

func formatLine(t *testing.T, formatter logrus.Formatter, level logrus.Level, fields logrus.Fields, message string) string {
	t.Helper()
	entry := &logrus.Entry{
		Logger:  logrus.New(),
		Data:    fields,
		Time:    fixedTime,
		Level:   level,
		Message: message,
	}
	line, err := formatter.Format(entry)
	if err != nil {
		t.Fatalf("Format: %v", err)
	}
	return string(line)
}

func TestFormatterLevels(t *testing.T) {
	tagged := logrus.Fields{FieldTag: "Worker worker1", FieldSubtag: "Keep Alive"}
	tests := []struct {
		level logrus.Level
		want  string
	}{
		{logrus.TraceLevel, "2024/05/01 10:00:00 DEBUG2: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.DebugLevel, "2024/05/01 10:00:00 DEBUG: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.InfoLevel, "2024/05/01 10:00:00 INFO: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.WarnLevel, "2024/05/01 10:00:00 WARNING: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.ErrorLevel, "2024/05/01 10:00:00 ERROR: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.FatalLevel, "2024/05/01 10:00:00 CRITICAL: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
		{logrus.PanicLevel, "2024/05/01 10:00:00 CRITICAL: [Worker worker1] [Keep Alive] Successful response from master: keepalive\n"},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			got := formatLine(t, &Formatter{}, tt.level, tagged, "Successful response from master: keepalive")
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFormatterTagAndSubtag(t *testing.T) {
	tests := []struct {
		name   string
		fields logrus.Fields
		want   string
	}{
		{"none", nil, "2024/05/01 10:00:00 INFO: Starting.\n"},
		{"tag only", logrus.Fields{FieldTag: "Master"}, "2024/05/01 10:00:00 INFO: [Master] Starting.\n"},
		{"subtag only", logrus.Fields{FieldSubtag: "Main"}, "2024/05/01 10:00:00 INFO: [Main] Starting.\n"},
		{"both", logrus.Fields{FieldTag: "Master", FieldSubtag: "Main"}, "2024/05/01 10:00:00 INFO: [Master] [Main] Starting.\n"},
		{"empty values", logrus.Fields{FieldTag: "", FieldSubtag: ""}, "2024/05/01 10:00:00 INFO: Starting.\n"},
		{"non-string tag", logrus.Fields{FieldTag: 7}, "2024/05/01 10:00:00 INFO: [7] Starting.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatLine(t, &Formatter{}, logrus.InfoLevel, tt.fields, "Starting."); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFormatterExtraFields(t *testing.T) {
	fields := logrus.Fields{
		FieldTag:    "Master",
		FieldSubtag: "Main",
		"peer":      "worker1",
		"counter":   42,
		"addr":      "10.0.0.2:1516",
		"reason":    "bad key",
		"empty":     "",
		"nothing":   nil,
	}
	got := formatLine(t, &Formatter{}, logrus.InfoLevel, fields, "Connection closed.")
	want := `2024/05/01 10:00:00 INFO: [Master] [Main] Connection closed. addr=10.0.0.2:1516 counter=42 empty="" nothing="<nil>" peer=worker1 reason="bad key"` + "\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestFormatterOmitFields(t *testing.T) {
	fields := logrus.Fields{"node": "master-node", "cmd": "syn_i_w_m_p"}
	got := formatLine(t, &Formatter{OmitFields: []string{"node"}}, logrus.DebugLevel, fields, "Command received.")
	want := "2024/05/01 10:00:00 DEBUG: Command received. cmd=syn_i_w_m_p\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

type nilPointerError struct{ text *string }

func (e *nilPointerError) Error() string { return *e.text }

func TestFormatterErrorField(t *testing.T) {
	errBoom := errors.New("connection reset by peer")
	tests := []struct {
		name    string
		message string
		err     any
		want    string
	}{
		{"appended", "Could not connect to master", errBoom,
			"2024/05/01 10:00:00 ERROR: Could not connect to master: connection reset by peer\n"},
		{"already in message", "Could not connect to master: connection reset by peer", errBoom,
			"2024/05/01 10:00:00 ERROR: Could not connect to master: connection reset by peer\n"},
		{"nil error", "Nothing wrong", nil, "2024/05/01 10:00:00 ERROR: Nothing wrong\n"},
		{"string error", "Failed", "timeout", "2024/05/01 10:00:00 ERROR: Failed: timeout\n"},
		{"panicking Error method", "Failed", (*nilPointerError)(nil),
			"2024/05/01 10:00:00 ERROR: Failed: <nil>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := logrus.Fields{logrus.ErrorKey: tt.err}
			if got := formatLine(t, &Formatter{}, logrus.ErrorLevel, fields, tt.message); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFormatterTrimsOneTrailingNewline(t *testing.T) {
	got := formatLine(t, &Formatter{}, logrus.InfoLevel, nil, "Finished in 0.123s.\n")
	if want := "2024/05/01 10:00:00 INFO: Finished in 0.123s.\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFormatterPrintsLocalTime(t *testing.T) {
	utc := fixedTime.UTC()
	entry := &logrus.Entry{Logger: logrus.New(), Time: utc, Level: logrus.InfoLevel, Message: "x"}
	line, err := (&Formatter{}).Format(entry)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2024/05/01 10:00:00 INFO: x\n"; string(line) != want {
		t.Errorf("got %q, want %q", line, want)
	}
}

func TestTaggedThroughLogger(t *testing.T) {
	var out syncBuffer
	root := NewWriterLogger(&out, logrus.InfoLevel)
	worker := Tagged(root, "Worker worker1", "Main")
	worker.WithTime(fixedTime).Info("Successfully connected to master.")
	keepalive := Tagged(worker, "Worker worker1", "Keep Alive")
	keepalive.WithTime(fixedTime).WithField("peer", "master").Info("Successful response from master: keepalive")
	cleared := Tagged(keepalive, "Cluster", "")
	cleared.WithTime(fixedTime).Info("Done.")

	want := "2024/05/01 10:00:00 INFO: [Worker worker1] [Main] Successfully connected to master.\n" +
		"2024/05/01 10:00:00 INFO: [Worker worker1] [Keep Alive] Successful response from master: keepalive peer=master\n" +
		"2024/05/01 10:00:00 INFO: [Cluster] Done.\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDiscardLogsNothingAndDoesNotFail(t *testing.T) {
	entry := Discard()
	entry.WithError(errors.New("x")).Trace("hidden")
	entry.Error("hidden")
	if !entry.Logger.IsLevelEnabled(logrus.TraceLevel) {
		t.Error("Discard should keep every level enabled so formatting runs in tests")
	}
}
