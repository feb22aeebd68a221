package logging

import (
	"context"
	"log/slog"
	"maps"

	"github.com/sirupsen/logrus"
)

// slogHandler carries log/slog records (protoactor-go's logger) into logrus.
type slogHandler struct {
	entry *logrus.Entry
	// fields holds the attributes given through WithAttrs, already qualified by their groups.
	fields logrus.Fields
	// prefix is the path of open groups, "a.b." after WithGroup("a").WithGroup("b").
	prefix string
}

// NewSlogHandler routes log/slog records into entry's logger at the mapped level (Error, Warn,
// Info, Debug as themselves; below Debug → Trace). Attributes become fields, with groups flattened
// to "group.key"; Enabled consults the logrus level. Records are tagged "Actors" unless entry
// already has a tag. Pass it to protoactor-go with
// actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return slog.New(h) }).
func NewSlogHandler(entry *logrus.Entry) slog.Handler {
	return &slogHandler{entry: withDefaultTag(entry, actorsTag)}
}

func (h *slogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.entry.Logger.IsLevelEnabled(logrusLevelOfSlog(level))
}

func (h *slogHandler) Handle(ctx context.Context, record slog.Record) error {
	fields := make(logrus.Fields, len(h.fields)+record.NumAttrs())
	maps.Copy(fields, h.fields)
	record.Attrs(func(attr slog.Attr) bool {
		addSlogAttr(fields, h.prefix, attr)
		return true
	})
	entry := h.entry.WithFields(fields)
	if !record.Time.IsZero() {
		entry = entry.WithTime(record.Time)
	}
	if ctx != nil {
		entry = entry.WithContext(ctx)
	}
	entry.Log(logrusLevelOfSlog(record.Level), record.Message)
	return nil
}

func (h *slogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	fields := make(logrus.Fields, len(h.fields)+len(attrs))
	maps.Copy(fields, h.fields)
	for _, attr := range attrs {
		addSlogAttr(fields, h.prefix, attr)
	}
	return &slogHandler{entry: h.entry, fields: fields, prefix: h.prefix}
}

func (h *slogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &slogHandler{entry: h.entry, fields: h.fields, prefix: h.prefix + name + "."}
}

// addSlogAttr stores attr under prefix, following slog's handler rules: values are resolved, empty
// attributes and empty groups are dropped, and a group without a key is inlined.
func addSlogAttr(fields logrus.Fields, prefix string, attr slog.Attr) {
	attr.Value = attr.Value.Resolve()
	if attr.Equal(slog.Attr{}) {
		return
	}
	if attr.Value.Kind() != slog.KindGroup {
		fields[prefix+attr.Key] = attr.Value.Any()
		return
	}
	if attr.Key != "" {
		prefix += attr.Key + "."
	}
	for _, member := range attr.Value.Group() {
		addSlogAttr(fields, prefix, member)
	}
}

func logrusLevelOfSlog(level slog.Level) logrus.Level {
	switch {
	case level >= slog.LevelError:
		return logrus.ErrorLevel
	case level >= slog.LevelWarn:
		return logrus.WarnLevel
	case level >= slog.LevelInfo:
		return logrus.InfoLevel
	case level >= slog.LevelDebug:
		return logrus.DebugLevel
	default:
		return logrus.TraceLevel
	}
}
