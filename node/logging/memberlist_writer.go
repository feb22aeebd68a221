package logging

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"github.com/sirupsen/logrus"
)

// memberlistWriter turns memberlist's std-logger lines into logrus entries. It keeps no state and
// starts no goroutine (unlike logrus' Entry.WriterLevel, whose pipe goroutine must be closed).
type memberlistWriter struct {
	entry *logrus.Entry
}

// NewMemberlistWriter returns an io.Writer for memberlist's Config.LogOutput. Each line loses
// memberlist's own timestamp and its "[DEBUG]"/"[INFO]"/"[WARN]"/"[ERR]" prefix and is logged at the
// matching level: INFO and DEBUG → Debug (memberlist's INFO is chatty), WARN → Warn, ERR and
// ERROR → Error. Lines without a known prefix (memberlist has a few "Err: ..." lines) → Warn.
// Lines are tagged "Memberlist" unless entry already has a tag. Control characters, which peers
// could smuggle into memberlist's messages, are replaced. Write never fails.
func NewMemberlistWriter(entry *logrus.Entry) io.Writer {
	return &memberlistWriter{entry: withDefaultTag(entry, memberlistTag)}
}

func (w *memberlistWriter) Write(p []byte) (int, error) {
	for line := range bytes.SplitSeq(p, []byte{'\n'}) {
		w.logLine(string(line))
	}
	return len(p), nil
}

func (w *memberlistWriter) logLine(line string) {
	level, message := parseMemberlistLevel(stripStdTimestamp(line))
	if !w.entry.Logger.IsLevelEnabled(level) {
		return
	}
	message = sanitizeLine(strings.TrimSpace(message))
	if message == "" {
		return
	}
	w.entry.Log(level, message)
}

// stripStdTimestamp removes the "2006/01/02 15:04:05 " (optionally ".000000") that log.LstdFlags
// (and log.Lmicroseconds) put before each line.
func stripStdTimestamp(line string) string {
	rest, ok := cutPattern(line, "dddd/dd/dd ")
	if !ok {
		return line
	}
	line = rest
	rest, ok = cutPattern(line, "dd:dd:dd")
	if !ok {
		return line
	}
	if fraction, ok := strings.CutPrefix(rest, "."); ok {
		rest = strings.TrimLeftFunc(fraction, func(r rune) bool { return r >= '0' && r <= '9' })
	}
	if rest, ok = strings.CutPrefix(rest, " "); ok {
		return rest
	}
	return line
}

// cutPattern removes a prefix of s matching pattern, where 'd' stands for any ASCII digit and
// every other byte for itself.
func cutPattern(s, pattern string) (string, bool) {
	if len(s) < len(pattern) {
		return s, false
	}
	for i := 0; i < len(pattern); i++ {
		c := s[i]
		if pattern[i] == 'd' {
			if c < '0' || c > '9' {
				return s, false
			}
		} else if c != pattern[i] {
			return s, false
		}
	}
	return s[len(pattern):], true
}

// longestMemberlistLevel bounds the search for the closing bracket of a level prefix.
const longestMemberlistLevel = len("[WARNING]")

func parseMemberlistLevel(line string) (logrus.Level, string) {
	if !strings.HasPrefix(line, "[") {
		return logrus.WarnLevel, line
	}
	end := strings.IndexByte(line, ']')
	if end < 0 || end >= longestMemberlistLevel {
		return logrus.WarnLevel, line
	}
	var level logrus.Level
	switch line[1:end] {
	case "TRACE":
		level = logrus.TraceLevel
	case "DEBUG", "INFO":
		level = logrus.DebugLevel
	case "WARN", "WARNING":
		level = logrus.WarnLevel
	case "ERR", "ERROR":
		level = logrus.ErrorLevel
	default:
		return logrus.WarnLevel, line
	}
	return level, line[end+1:]
}

// sanitizeLine replaces invalid UTF-8 and control characters (escape sequences, carriage returns)
// so peer-provided text cannot forge lines or drive a terminal.
func sanitizeLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
