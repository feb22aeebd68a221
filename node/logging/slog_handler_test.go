package logging

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/sirupsen/logrus"
)

func TestSlogHandlerLevels(t *testing.T) {
	tests := []struct {
		slog slog.Level
		want logrus.Level
	}{
		{slog.LevelError + 4, logrus.ErrorLevel},
		{slog.LevelError, logrus.ErrorLevel},
		{slog.LevelWarn, logrus.WarnLevel},
		{slog.LevelInfo, logrus.InfoLevel},
		{slog.LevelInfo + 1, logrus.InfoLevel},
		{slog.LevelDebug, logrus.DebugLevel},
		{slog.LevelDebug - 1, logrus.TraceLevel},
	}
	for _, tt := range tests {
		t.Run(tt.slog.String(), func(t *testing.T) {
			entry, hook := capturingEntry(logrus.TraceLevel)
			slog.New(NewSlogHandler(entry)).Log(context.Background(), tt.slog, "message")
			got := hook.Entries()
			if len(got) != 1 || got[0].Level != tt.want {
				t.Fatalf("entries = %+v, want one at %v", got, tt.want)
			}
		})
	}
}

func TestSlogHandlerEnabledFollowsLogrusLevel(t *testing.T) {
	entry, hook := capturingEntry(logrus.InfoLevel)
	handler := NewSlogHandler(entry)
	ctx := context.Background()
	if handler.Enabled(ctx, slog.LevelDebug) {
		t.Error("Debug enabled on an Info logger")
	}
	if !handler.Enabled(ctx, slog.LevelInfo) || !handler.Enabled(ctx, slog.LevelError) {
		t.Error("Info and Error should be enabled on an Info logger")
	}
	logger := slog.New(handler)
	logger.Debug("dropped")
	logger.Info("kept")
	if got := hook.Entries(); len(got) != 1 || got[0].Message != "kept" {
		t.Errorf("entries = %+v", got)
	}

	entry.Logger.SetLevel(logrus.TraceLevel)
	if !handler.Enabled(ctx, slog.LevelDebug-4) {
		t.Error("the handler should see the logger's new level")
	}
}

func TestSlogHandlerAttrsAndGroups(t *testing.T) {
	entry, hook := capturingEntry(logrus.TraceLevel)
	logger := slog.New(NewSlogHandler(entry)).
		With("lib", "Proto.Actor", "system", "node-1").
		WithGroup("actor").
		With("pid", "node/peers/worker1")
	logger.Error("actor failed",
		"reason", errors.New("panic: boom"),
		slog.Group("mailbox", "depth", 3, slog.Group("", "inlined", true)),
		slog.Group("empty"),
		slog.Attr{},
		"elapsed", 2*time.Second,
	)

	got := hook.Entries()
	if len(got) != 1 {
		t.Fatalf("got %d entries", len(got))
	}
	want := map[string]any{
		FieldTag:                "Actors",
		"lib":                   "Proto.Actor",
		"system":                "node-1",
		"actor.pid":             "node/peers/worker1",
		"actor.reason":          "panic: boom",
		"actor.mailbox.depth":   int64(3),
		"actor.mailbox.inlined": true,
		"actor.elapsed":         2 * time.Second,
	}
	data := got[0].Data
	if len(data) != len(want) {
		t.Errorf("fields = %v, want %v", data, want)
	}
	for key, value := range want {
		gotValue := data[key]
		if err, ok := gotValue.(error); ok {
			gotValue = err.Error()
		}
		if gotValue != value {
			t.Errorf("%s = %#v, want %#v", key, data[key], value)
		}
	}
}

func TestSlogHandlerKeepsAnExistingTagAndFormatsLikeWazuh(t *testing.T) {
	var out syncBuffer
	entry := Tagged(NewWriterLogger(&out, logrus.InfoLevel), "Cluster", "Actors")
	recordTime := localTime(2024, time.May, 1, 10, 0, 0)
	handler := NewSlogHandler(entry)
	record := slog.NewRecord(recordTime, slog.LevelWarn, "mailbox full", 0)
	record.AddAttrs(slog.String("pid", "dapi"))
	if err := handler.Handle(context.Background(), record); err != nil {
		t.Fatal(err)
	}
	want := "2024/05/01 10:00:00 WARNING: [Cluster] [Actors] mailbox full pid=dapi\n"
	if got := out.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type lazyValue struct{}

func (lazyValue) LogValue() slog.Value { return slog.StringValue("resolved") }

func TestSlogHandlerResolvesLogValuers(t *testing.T) {
	entry, hook := capturingEntry(logrus.TraceLevel)
	slog.New(NewSlogHandler(entry)).Info("m", "lazy", lazyValue{})
	if got := hook.Entries(); len(got) != 1 || got[0].Data["lazy"] != "resolved" {
		t.Errorf("entries = %+v", got)
	}
}

// TestSlogHandlerConformance runs the standard library's handler tests, rebuilding slog's nested
// groups from the flattened "group.key" fields.
func TestSlogHandlerConformance(t *testing.T) {
	var hook *captureHook
	newHandler := func(t *testing.T) slog.Handler {
		var entry *logrus.Entry
		entry, hook = capturingEntry(logrus.TraceLevel)
		return NewSlogHandler(entry)
	}
	result := func(t *testing.T) map[string]any {
		entries := hook.Entries()
		if len(entries) != 1 {
			t.Fatalf("got %d entries, want 1", len(entries))
		}
		e := entries[0]
		m := map[string]any{slog.LevelKey: e.Level, slog.MessageKey: e.Message}
		// logrus stamps every entry itself, so a record without a time still gets one; the handler
		// only declines to pass the zero time on.
		if !strings.HasSuffix(t.Name(), "/zero-time") {
			m[slog.TimeKey] = e.Time
		}
		for key, value := range e.Data {
			if key == FieldTag {
				continue
			}
			path := strings.Split(key, ".")
			group := m
			for _, name := range path[:len(path)-1] {
				next, ok := group[name].(map[string]any)
				if !ok {
					next = map[string]any{}
					group[name] = next
				}
				group = next
			}
			group[path[len(path)-1]] = value
		}
		return m
	}
	slogtest.Run(t, newHandler, result)
}

func TestSlogHandlerZeroRecordTimeGetsTheLogTime(t *testing.T) {
	entry, hook := capturingEntry(logrus.TraceLevel)
	before := time.Now()
	if err := NewSlogHandler(entry).Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	got := hook.Entries()
	if len(got) != 1 || got[0].Time.Before(before) || got[0].Time.After(after) {
		t.Errorf("entries = %+v, want one stamped between %v and %v", got, before, after)
	}
}
