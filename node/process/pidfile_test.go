package process

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// startSleeper runs sleep under the name given, as a live process a pid file can name; it is
// killed, by its pid, when the test ends.
func startSleeper(t *testing.T, name string) int {
	t.Helper()
	path, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	cmd := &exec.Cmd{Path: path, Args: []string{name, "120"}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

func writeRaw(t *testing.T, home, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(RunDir(home), name), []byte("x\n"), 0o640); err != nil {
		t.Fatal(err)
	}
}

// The pid file is what wazuh-control and the API read: var/run/wazuh-clusterd-<pid>.pid,
// holding the pid, mode 0640; Remove takes it away.
func TestPidFileIsWazuhs(t *testing.T) {
	home := t.TempDir()
	p, err := WritePidFile(home, 4242)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "var", "run", "wazuh-clusterd-4242.pid"); p.Path() != want {
		t.Fatalf("path %s, want %s", p.Path(), want)
	}
	got, err := os.ReadFile(p.Path())
	if err != nil || string(got) != "4242\n" {
		t.Fatalf("content %q %v", got, err)
	}
	if st, _ := os.Stat(p.Path()); st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v", st.Mode())
	}
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("still there: %v", err)
	}
	if err := p.Remove(); err != nil {
		t.Fatalf("a second Remove: %v", err)
	}
}

// Before a start, pid files of processes that are gone, or whose pid another program has
// now, are removed; one naming a live cluster daemon stops the start and stays.
func TestCleanPidFilesRefusesALiveClusterDaemon(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(RunDir(home), 0o770); err != nil {
		t.Fatal(err)
	}
	other := startSleeper(t, "sleep")
	writeRaw(t, home, "wazuh-clusterd-2147483646.pid")                    // gone
	writeRaw(t, home, "wazuh-clusterd_child_1-2147483645.pid")            // a gone Python child
	writeRaw(t, home, "wazuh-clusterd-"+strconv.Itoa(other)+".pid")       // a pid reused
	writeRaw(t, home, "wazuh-clusterd-"+strconv.Itoa(os.Getpid())+".pid") // self
	writeRaw(t, home, "wazuh-remoted-1.pid")                              // another daemon's
	removed, err := CleanPidFiles(home, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{"wazuh-clusterd-" + strconv.Itoa(os.Getpid()) + ".pid", "wazuh-clusterd-2147483646.pid",
		"wazuh-clusterd-" + strconv.Itoa(other) + ".pid", "wazuh-clusterd_child_1-2147483645.pid"}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	if _, err := os.Stat(filepath.Join(RunDir(home), "wazuh-remoted-1.pid")); err != nil {
		t.Fatalf("another daemon's pid file: %v", err)
	}

	running := startSleeper(t, "/var/ossec/framework/scripts/wazuh_clusterd.py")
	name := "wazuh-clusterd-" + strconv.Itoa(running) + ".pid"
	writeRaw(t, home, name)
	if _, err := CleanPidFiles(home, os.Getpid()); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("beside a running wazuh-clusterd: %v", err)
	}
	if _, err := os.Stat(filepath.Join(RunDir(home), name)); err != nil {
		t.Fatalf("the running daemon's pid file: %v", err)
	}
}
