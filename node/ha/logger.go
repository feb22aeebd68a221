package ha

import "github.com/sirupsen/logrus"

// raftLogger routes the library's log through the member's entry. The library's Info lines
// (elections, votes, every term change) are the routine of a healthy group: they go to debug;
// the member logs the change of acting master itself.
type raftLogger struct{ e *logrus.Entry }

func (l raftLogger) Debug(v ...any)                 { l.e.Debug(v...) }
func (l raftLogger) Debugf(format string, v ...any) { l.e.Debugf(format, v...) }
func (l raftLogger) Info(v ...any)                  { l.e.Debug(v...) }
func (l raftLogger) Infof(format string, v ...any)  { l.e.Debugf(format, v...) }
func (l raftLogger) Warning(v ...any)               { l.e.Warn(v...) }
func (l raftLogger) Warningf(format string, v ...any) {
	l.e.Warnf(format, v...)
}
func (l raftLogger) Error(v ...any)                 { l.e.Error(v...) }
func (l raftLogger) Errorf(format string, v ...any) { l.e.Errorf(format, v...) }

// Fatal and Panic are the library's broken invariants: it expects the process to end.
func (l raftLogger) Fatal(v ...any)                 { l.e.Panic(v...) }
func (l raftLogger) Fatalf(format string, v ...any) { l.e.Panicf(format, v...) }
func (l raftLogger) Panic(v ...any)                 { l.e.Panic(v...) }
func (l raftLogger) Panicf(format string, v ...any) { l.e.Panicf(format, v...) }
