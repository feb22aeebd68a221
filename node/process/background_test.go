package process

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// daemonPlayEnv tells the test binary, started again by Background, how to play the daemon.
const daemonPlayEnv = "CLUSTERD_TEST_DAEMON"

// Background starts the program again as a daemon and waits for its word: ready, failed (with
// its reason), or ended without one. The daemon runs in a session of its own with its
// standard streams on /dev/null, and the readiness marker is gone from its environment.
func TestBackgroundWaitsForTheDaemon(t *testing.T) {
	if r := ReadyPipe(); r != nil {
		playDaemon(r)
		return
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "daemon")
	t.Setenv("CLUSTERD_TEST_DAEMON_REPORT", report)

	t.Setenv(daemonPlayEnv, "ready")
	if err := Background(); err != nil {
		t.Fatalf("a daemon that started: %v", err)
	}
	text, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(text))
	if len(fields) != 4 {
		t.Fatalf("report %q", text)
	}
	pid, _ := strconv.Atoi(fields[0])
	if pid == os.Getpid() || fields[1] != fields[0] || fields[2] != os.DevNull || fields[3] != "unmarked" {
		t.Fatalf("the daemon: pid %d, session %s, stdin %s, environment %s", pid, fields[1], fields[2], fields[3])
	}

	t.Setenv(daemonPlayEnv, "failed")
	if err := Background(); !errors.Is(err, ErrNotReady) || !strings.HasSuffix(err.Error(), "listen on 127.0.0.1:1516: address already in use") {
		t.Fatalf("a daemon that failed: %v", err)
	}
	t.Setenv(daemonPlayEnv, "crashed")
	if err := Background(); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "ended before it was ready (exit status 3)") {
		t.Fatalf("a daemon that crashed: %v", err)
	}
}

// playDaemon is the test binary started by Background: it does what daemonPlayEnv says and
// exits without running the tests.
func playDaemon(r *Ready) {
	switch os.Getenv(daemonPlayEnv) {
	case "ready":
		stdin, _ := os.Readlink("/proc/self/fd/0")
		stat, _ := os.ReadFile("/proc/self/stat")
		session := "?"
		// pid (comm) state ppid pgrp session ...; comm may hold spaces, so count after ")".
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 {
			if f := strings.Fields(string(stat[i+1:])); len(f) > 3 {
				session = f[3]
			}
		}
		marked := "unmarked"
		if InBackground() {
			marked = "marked"
		}
		_ = os.WriteFile(os.Getenv("CLUSTERD_TEST_DAEMON_REPORT"), fmt.Appendf(nil, "%d %s %s %s", os.Getpid(), session, stdin, marked), 0o600)
		r.Started()
		os.Exit(0)
	case "failed":
		r.Failed(errors.New("listen on 127.0.0.1:1516: address already in use"))
		os.Exit(1)
	default:
		os.Exit(3)
	}
}
