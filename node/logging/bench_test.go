package logging

import (
	"errors"
	"io"
	"testing"

	"github.com/sirupsen/logrus"
)

func BenchmarkFormatter(b *testing.B) {
	entry := &logrus.Entry{
		Logger:  logrus.New(),
		Data:    logrus.Fields{FieldTag: "Worker worker1", FieldSubtag: "Keep Alive", "peer": "master", logrus.ErrorKey: errors.New("timeout")},
		Time:    fixedTime,
		Level:   logrus.InfoLevel,
		Message: "Successful response from master: keepalive",
	}
	formatter := &Formatter{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := formatter.Format(entry); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoggerToDiscard(b *testing.B) {
	entry := Tagged(NewWriterLogger(io.Discard, logrus.InfoLevel), "Master", "Keep alive").WithField("peer", "worker1")
	b.ReportAllocs()
	for b.Loop() {
		entry.Info("Keepalive received")
	}
}

func BenchmarkClusterLogParallel(b *testing.B) {
	logger, closer, err := New(Options{Home: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer closer.Close()
	entry := Tagged(logrus.NewEntry(logger), "Master", "Integrity sync").WithField("peer", "worker1")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			entry.Info("Finished in 0.010s. Updated 3 chunks.")
		}
	})
}

func BenchmarkMemberlistWriter(b *testing.B) {
	w := NewMemberlistWriter(NewWriterLogger(io.Discard, logrus.DebugLevel))
	line := []byte("2024/05/01 10:00:00 [DEBUG] memberlist: Stream connection from=127.0.0.1:7946\n")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = w.Write(line)
	}
}
