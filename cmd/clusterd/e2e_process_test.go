package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/nodetest/standin"
	"github.com/clusterd/clusterd/node/process"
)

// The clusterd process as the rest of a Wazuh manager sees it: its pid file, its start in the
// background from <home>/bin/wazuh-clusterd, the user it runs as. Real processes.

// loneMaster is a home with a master alone, on an address of its own.
func loneMaster(t *testing.T, host int) *proc {
	t.Helper()
	home, err := os.MkdirTemp("", "clusterd-e2e-")
	must(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	ip := fmt.Sprintf("127.%d.201.%d", 1+os.Getpid()%250, host)
	p := &proc{name: "master", home: home, ip: ip}
	writeHome(t, p, "master", ip, freeTCPPort(t, ip))
	return p
}

// pidFiles are the cluster daemon's pid files under home, by pid.
func pidFiles(home string) map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir(process.RunDir(home))
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "wazuh-clusterd-") || !strings.HasSuffix(name, ".pid") {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "wazuh-clusterd-"), ".pid"))
		if err == nil {
			out[pid] = filepath.Join(process.RunDir(home), name)
		}
	}
	return out
}

// onePidFile waits for exactly one pid file, holding its own pid, and returns the pid.
func onePidFile(t *testing.T, home string) int {
	t.Helper()
	var pid int
	poll.Eventually(t, 30*time.Second, "the pid file", func() error {
		files := pidFiles(home)
		if len(files) != 1 {
			return fmt.Errorf("pid files %v", files)
		}
		for p, path := range files {
			content, err := os.ReadFile(path)
			if err != nil || string(content) != strconv.Itoa(p)+"\n" {
				return fmt.Errorf("%s holds %q (%v)", path, content, err)
			}
			pid = p
		}
		return nil
	})
	return pid
}

// gone reports whether the process has ended (a zombie waiting for its reaper has).
func gone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && len(stat) > i+2 && stat[i+2] == 'Z'
}

// stopDaemon ends a daemon this test started, by its pid, and waits for it and its pid file
// to go.
func stopDaemon(t *testing.T, home string, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Fatal(err)
	}
	poll.Eventually(t, 30*time.Second, "the daemon and its pid file gone", func() error {
		if !gone(pid) {
			return fmt.Errorf("pid %d still running", pid)
		}
		if files := pidFiles(home); len(files) != 0 {
			return fmt.Errorf("pid files left: %v", files)
		}
		return nil
	})
}

// In the foreground, clusterd writes var/run/wazuh-clusterd-<pid>.pid once its configuration
// is valid, says so as wazuh-clusterd does, and removes the file when it stops.
func TestEndToEndPidFileFollowsTheProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	bin := buildBinaries(t)
	p := loneMaster(t, 1)
	t.Cleanup(func() { logTailsOnFailure(t, p.home) })
	cmd := exec.Command(filepath.Join(bin, "clusterd"), "--home", p.home, "-f")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, io.Discard
	must(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if pid := onePidFile(t, p.home); pid != cmd.Process.Pid {
		t.Fatalf("the pid file names %d, the process is %d", pid, cmd.Process.Pid)
	}
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stopped with %v", err)
	}
	if files := pidFiles(p.home); len(files) != 0 {
		t.Fatalf("pid files left: %v", files)
	}
	if want := fmt.Sprintf("Starting cluster in foreground (pid: %d)\n", cmd.Process.Pid); stdout.String() != want {
		t.Fatalf("stdout %q, want %q", stdout.String(), want)
	}
	if err := logSince(filepath.Join(p.home, "logs", "cluster.log"), 0, "Running in standalone mode (no Wazuh manager is installed at "+p.home+")"); err != nil {
		t.Fatal(err)
	}
}

// Put in a Wazuh manager's bin/ as wazuh-clusterd and started as wazuh-control starts it, with
// no --home and no -f, clusterd finds its home, chooses Wazuh mode, refuses to keep root's
// rights without the wazuh user (unless -r), goes to the background once it runs (the command
// returns, as wazuh-control waits for it to), writes its pid file, refuses a second copy of
// itself, and stops on SIGTERM (wazuh-control's stop), removing its pid file.
func TestEndToEndInPlaceOfWazuhClusterd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	bin := buildBinaries(t)
	p := loneMaster(t, 2)
	t.Cleanup(func() { logTailsOnFailure(t, p.home) })
	must(t, standin.WriteInstall(p.home, "v4.14.7", "server"))
	daemon := filepath.Join(p.home, "bin", "wazuh-clusterd")
	binary, err := os.ReadFile(filepath.Join(bin, "clusterd"))
	must(t, err)
	must(t, os.WriteFile(daemon, binary, 0o750))
	t.Cleanup(func() {
		for pid := range pidFiles(p.home) {
			if !gone(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	start := func(args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, daemon, args...).CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return string(out), ee.ExitCode()
		}
		must(t, err)
		return string(out), 0
	}

	if _, err := process.LookupCredentials(process.WazuhUser, process.WazuhGroup); os.Geteuid() == 0 && err != nil {
		out, code := start()
		if code != 1 || !strings.Contains(out, "the wazuh user and group are needed") || !strings.Contains(out, "run with -r") {
			t.Fatalf("as root without a wazuh user: exit %d\n%s", code, out)
		}
		if files := pidFiles(p.home); len(files) != 0 {
			t.Fatalf("a failed start left pid files %v", files)
		}
	}

	out, code := start("-r")
	if code != 0 || out != "" {
		t.Fatalf("start: exit %d\n%s", code, out)
	}
	pid := onePidFile(t, p.home)
	if gone(pid) {
		t.Fatalf("the daemon %d is not running", pid)
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if !bytes.HasPrefix(cmdline, []byte(daemon+"\x00-r")) {
		t.Fatalf("the daemon's command line %q", cmdline)
	}
	if err := logSince(filepath.Join(p.home, "logs", "cluster.log"), 0,
		"Running in Wazuh mode (the Wazuh manager v4.14.7 is installed at "+p.home+")"); err != nil {
		t.Fatal(err)
	}
	ctl, code := runControl(t, bin, p.home, "-l")
	if code != 0 || !strings.Contains(ctl, "master  master") {
		t.Fatalf("cluster_control -l: exit %d\n%s", code, ctl)
	}

	out, code = start("-r")
	if code != 1 || !strings.Contains(out, "already running") {
		t.Fatalf("a second start: exit %d\n%s", code, out)
	}
	if again := onePidFile(t, p.home); again != pid {
		t.Fatalf("the pid file changed to %d", again)
	}
	stopDaemon(t, p.home, pid)
}

// runControl runs the cluster_control built for the test against home.
func runControl(t *testing.T, bin, home string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "cluster_control"), append([]string{"--home", home}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	must(t, err)
	return string(out), 0
}

// Started by an unprivileged user, in Wazuh mode, clusterd runs as that user (it only drops
// rights it has), and what it creates is that user's, with Wazuh's modes: the pid file 0640,
// cluster.log 0660, c-internal.sock 0660, queue/cluster 0770. Root starts the process as
// nobody.
func TestEndToEndUnprivilegedUserOwnsWhatItCreates(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	if os.Geteuid() != 0 {
		t.Skip("starting a process as another user needs root")
	}
	var nobody process.Credentials
	for _, group := range []string{"nogroup", "nobody"} {
		if c, err := process.LookupCredentials("nobody", group); err == nil {
			nobody = c
			break
		}
	}
	if nobody.User == "" {
		t.Skip("no nobody user and group")
	}
	// The binary and the home where nobody can reach them.
	shared, err := os.MkdirTemp("", "clusterd-e2e-bin-")
	must(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(shared) })
	must(t, os.Chmod(shared, 0o755))
	binary, err := os.ReadFile(filepath.Join(buildBinaries(t), "clusterd"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(shared, "clusterd"), binary, 0o755))
	p := loneMaster(t, 3)
	t.Cleanup(func() { logTailsOnFailure(t, p.home) })
	must(t, standin.WriteInstall(p.home, "v4.14.7", "server"))
	must(t, filepath.Walk(p.home, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, nobody.UID, nobody.GID)
	}))

	cmd := exec.Command(filepath.Join(shared, "clusterd"), "--home", p.home, "-f")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(nobody.UID), Gid: uint32(nobody.GID)}}
	must(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	pid := onePidFile(t, p.home)
	sock := filepath.Join(p.home, "queue", "cluster", "c-internal.sock")
	// The socket is bound, then given its mode (inside queue/cluster, 0770, so nobody else can
	// reach it in between): wait for both.
	poll.Eventually(t, 30*time.Second, "c-internal.sock with its mode", func() error {
		fi, err := os.Stat(sock)
		if err == nil && fi.Mode().Perm() != 0o660 {
			err = fmt.Errorf("mode %v", fi.Mode())
		}
		return err
	})
	for path, mode := range map[string]os.FileMode{
		pidFiles(p.home)[pid]:                        0o640,
		filepath.Join(p.home, "logs", "cluster.log"): 0o660,
		sock: 0o660 | os.ModeSocket,
		filepath.Join(p.home, "queue", "cluster"): 0o770 | os.ModeDir,
	} {
		var st syscall.Stat_t
		must(t, syscall.Stat(path, &st))
		fi, err := os.Stat(path)
		must(t, err)
		if int(st.Uid) != nobody.UID || int(st.Gid) != nobody.GID || fi.Mode()&(os.ModeSocket|os.ModeDir|os.ModePerm) != mode {
			t.Errorf("%s: %d:%d %v, want %d:%d %v", path, st.Uid, st.Gid, fi.Mode(), nobody.UID, nobody.GID, mode)
		}
	}
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stopped with %v", err)
	}
	if files := pidFiles(p.home); len(files) != 0 {
		t.Fatalf("pid files left: %v", files)
	}
}
