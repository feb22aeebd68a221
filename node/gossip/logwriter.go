package gossip

import (
	"bytes"

	"github.com/sirupsen/logrus"
)

// logWriter turns memberlist's std-logger lines ("[WARN] memberlist: ...")
// into logrus entries. It writes synchronously on the caller's goroutine:
// logrus' WriterLevel would start a pipe goroutine that outlives Shutdown.
type logWriter struct {
	entry *logrus.Entry
}

// memberlistLevels maps memberlist's prefixes to logrus levels. memberlist's
// INFO lines are routine membership chatter, so they go to Debug with DEBUG.
var memberlistLevels = []struct {
	prefix []byte
	level  logrus.Level
}{
	{[]byte("[DEBUG]"), logrus.DebugLevel},
	{[]byte("[INFO]"), logrus.DebugLevel},
	{[]byte("[WARN]"), logrus.WarnLevel},
	{[]byte("[ERR]"), logrus.ErrorLevel},
	{[]byte("[ERROR]"), logrus.ErrorLevel},
	{[]byte("Err:"), logrus.ErrorLevel},
}

// Write logs one line per call (log.Logger calls Write once per message).
// It always reports the whole input as written so memberlist never sees a
// logging failure.
func (w logWriter) Write(p []byte) (int, error) {
	level, msg := parseLogLine(p)
	if len(msg) > 0 && w.entry.Logger.IsLevelEnabled(level) {
		w.entry.Log(level, string(msg))
	}
	return len(p), nil
}

// parseLogLine splits a memberlist log line into its level and message.
// A line without a known prefix is kept at Warn so nothing is lost.
func parseLogLine(line []byte) (logrus.Level, []byte) {
	line = bytes.TrimSpace(line)
	for _, l := range memberlistLevels {
		if bytes.HasPrefix(line, l.prefix) {
			return l.level, bytes.TrimSpace(line[len(l.prefix):])
		}
	}
	return logrus.WarnLevel, line
}
