package node

import (
	"context"
	"log/slog"
)

// quietInfo lowers the actor library's Info records to Debug: it logs every dead letter and
// every supervision step at Info, which is noise in cluster.log (restarts and dead letters are
// counted by introspection instead).
type quietInfo struct{ slog.Handler }

func (q quietInfo) Enabled(ctx context.Context, l slog.Level) bool {
	return q.Handler.Enabled(ctx, lower(l))
}

func (q quietInfo) Handle(ctx context.Context, r slog.Record) error {
	r.Level = lower(r.Level)
	return q.Handler.Handle(ctx, r)
}

func (q quietInfo) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietInfo{q.Handler.WithAttrs(attrs)}
}

func (q quietInfo) WithGroup(name string) slog.Handler { return quietInfo{q.Handler.WithGroup(name)} }

func lower(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}
