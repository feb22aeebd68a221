package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// deploy/wazuh/package.sh and clusterd-swap.sh against a stand-in Wazuh manager tree: the
// tarball's layout, and install, rollback and their refusals, with the cluster daemon
// stopped and started around the swap. Stand-in scripts play the binaries: each "daemon" is a
// sleep that writes its pid file, as a daemon in the background does.

const deployDir = "../../deploy/wazuh"

// starter is a launcher that starts a stand-in cluster daemon in the background.
func starter(marker string) string {
	return `#!/bin/sh
` + marker + `
home=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$home/var/run"
sleep 300 </dev/null >/dev/null 2>&1 &
echo $! > "$home/var/run/wazuh-clusterd-$!.pid"
`
}

// wazuhLauncher is Wazuh's generic_wrapper.sh as installed in bin/ (its marker line is what
// the script recognises).
func wazuhLauncher(what string) string {
	return starter(`# Wazuh's launcher of ` + what + `
WPYTHON_BIN="framework/python/bin/python3"`)
}

type swapTree struct {
	t    *testing.T
	home string
	pids map[int]bool // every daemon seen, killed at the end if still alive
}

func newSwapTree(t *testing.T, version, typ string) *swapTree {
	t.Helper()
	st := &swapTree{t: t, home: t.TempDir(), pids: map[int]bool{}}
	must(t, standin.WriteInstall(st.home, version, typ))
	must(t, os.MkdirAll(filepath.Join(st.home, "etc"), 0o770))
	must(t, os.WriteFile(filepath.Join(st.home, "etc", "ossec.conf"),
		[]byte("<ossec_config>\n  <cluster>\n    <disabled>no</disabled>\n  </cluster>\n</ossec_config>\n"), 0o640))
	st.write("bin/wazuh-clusterd", wazuhLauncher("wazuh_clusterd.py"), 0o750)
	st.write("bin/cluster_control", wazuhLauncher("cluster_control.py"), 0o750)
	if os.Geteuid() == 0 {
		// root:wazuh, as Wazuh installs them (another group than root's stands for wazuh).
		for _, rel := range []string{"bin/wazuh-clusterd", "bin/cluster_control"} {
			must(t, os.Chown(filepath.Join(st.home, rel), 0, 65534))
		}
	}
	t.Cleanup(func() {
		st.running()
		for pid := range st.pids {
			if !gone(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return st
}

func (st *swapTree) write(rel, content string, mode os.FileMode) {
	st.t.Helper()
	must(st.t, os.WriteFile(filepath.Join(st.home, rel), []byte(content), mode))
	must(st.t, os.Chmod(filepath.Join(st.home, rel), mode))
}

func (st *swapTree) read(rel string) string {
	st.t.Helper()
	b, err := os.ReadFile(filepath.Join(st.home, rel))
	must(st.t, err)
	return string(b)
}

// running returns the live daemons named by pid files.
func (st *swapTree) running() []int {
	var out []int
	for pid := range pidFiles(st.home) {
		st.pids[pid] = true
		if !gone(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// start starts the installed cluster daemon as wazuh-control does and returns its pid.
func (st *swapTree) start() int {
	st.t.Helper()
	must(st.t, exec.Command(filepath.Join(st.home, "bin", "wazuh-clusterd")).Run())
	pids := st.running()
	if len(pids) != 1 {
		st.t.Fatalf("running after the start: %v", pids)
	}
	return pids[0]
}

// swap runs the package's clusterd-swap.sh.
func swap(t *testing.T, pkg string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sh", append([]string{filepath.Join(pkg, "clusterd-swap.sh")}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	must(t, err)
	return string(out), 0
}

// buildPackage runs package.sh on stand-in binaries and unpacks the tarball; it returns the
// package folder and the stand-ins' contents.
func buildPackage(t *testing.T) (string, map[string]string) {
	t.Helper()
	bin := t.TempDir()
	contents := map[string]string{
		"bin/wazuh-clusterd":  starter("# clusterd stand-in"),
		"bin/cluster_control": "#!/bin/sh\necho cluster_control stand-in\n",
		"bin/actorctl":        "#!/bin/sh\necho actorctl stand-in\n",
	}
	for name, src := range map[string]string{"clusterd": "bin/wazuh-clusterd", "cluster_control": "bin/cluster_control", "actorctl": "bin/actorctl"} {
		must(t, os.WriteFile(filepath.Join(bin, name), []byte(contents[src]), 0o755))
	}
	out := t.TempDir()
	msg, err := exec.Command("sh", filepath.Join(deployDir, "package.sh"), bin, out, "1.2.3", "amd64").CombinedOutput()
	if err != nil {
		t.Fatalf("package.sh: %v\n%s", err, msg)
	}
	tarball := filepath.Join(out, "clusterd-1.2.3-linux-amd64.tar.gz")
	if strings.TrimSpace(string(msg)) != tarball {
		t.Fatalf("package.sh said %q", msg)
	}
	list, err := exec.Command("tar", "tzf", tarball).Output()
	must(t, err)
	want := []string{"clusterd-1.2.3-linux-amd64/", "clusterd-1.2.3-linux-amd64/bin/", "clusterd-1.2.3-linux-amd64/bin/actorctl",
		"clusterd-1.2.3-linux-amd64/bin/cluster_control", "clusterd-1.2.3-linux-amd64/bin/wazuh-clusterd", "clusterd-1.2.3-linux-amd64/clusterd-swap.sh"}
	for _, w := range want {
		if !bytes.Contains(append([]byte("\n"), list...), []byte("\n"+w+"\n")) {
			t.Fatalf("the tarball lacks %s:\n%s", w, list)
		}
	}
	unpacked := t.TempDir()
	if msg, err := exec.Command("tar", "xzf", tarball, "-C", unpacked).CombinedOutput(); err != nil {
		t.Fatalf("untar: %v\n%s", err, msg)
	}
	return filepath.Join(unpacked, "clusterd-1.2.3-linux-amd64"), contents
}

func modeOf(t *testing.T, path string) string {
	t.Helper()
	var st syscall.Stat_t
	must(t, syscall.Stat(path, &st))
	return fmt.Sprintf("%d:%d %o", st.Uid, st.Gid, st.Mode&0o7777)
}

// install puts the package in place of Wazuh's launchers with backups, restarting the running
// daemon; a second install changes nothing; rollback restores exactly what was there,
// restarting Wazuh's daemon; a second rollback changes nothing.
func TestSwapScriptInstallsAndRollsBack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs shell scripts and processes")
	}
	pkg, newFiles := buildPackage(t)
	st := newSwapTree(t, "v4.14.7", "server")
	originals := map[string]string{"bin/wazuh-clusterd": st.read("bin/wazuh-clusterd"), "bin/cluster_control": st.read("bin/cluster_control")}
	wantOwner := modeOf(t, filepath.Join(st.home, "bin", "wazuh-clusterd"))
	wazuhPid := st.start()

	out, code := swap(t, pkg, "install", "--home", st.home)
	if code != 0 {
		t.Fatalf("install: exit %d\n%s", code, out)
	}
	for rel, content := range newFiles {
		if got := st.read(rel); got != content {
			t.Errorf("%s after install: %q", rel, got)
		}
		if got := modeOf(t, filepath.Join(st.home, rel)); got != wantOwner {
			t.Errorf("%s: %s, want the original's %s", rel, got, wantOwner)
		}
	}
	for rel, content := range originals {
		if got, err := os.ReadFile(filepath.Join(st.home, "var", "clusterd-backup", rel)); err != nil || string(got) != content {
			t.Errorf("backup of %s: %q %v", rel, got, err)
		}
	}
	if !gone(wazuhPid) {
		t.Errorf("Wazuh's daemon %d still runs", wazuhPid)
	}
	running := st.running()
	if len(running) != 1 || running[0] == wazuhPid {
		t.Fatalf("after install, running %v\n%s", running, out)
	}
	clusterdPid := running[0]

	out, code = swap(t, pkg, "install", "--home", st.home)
	if code != 0 || !strings.Contains(out, "already installed") {
		t.Fatalf("a second install: exit %d\n%s", code, out)
	}
	if running := st.running(); len(running) != 1 || running[0] != clusterdPid {
		t.Fatalf("a second install restarted the daemon: %v", running)
	}
	if out, code = swap(t, pkg, "status", "--home", st.home); code != 0 || !strings.Contains(out, "clusterd is installed") ||
		!strings.Contains(out, fmt.Sprintf("runs (pid %d)", clusterdPid)) {
		t.Fatalf("status: exit %d\n%s", code, out)
	}

	out, code = swap(t, pkg, "rollback", "--home", st.home)
	if code != 0 {
		t.Fatalf("rollback: exit %d\n%s", code, out)
	}
	for rel, content := range originals {
		if got := st.read(rel); got != content {
			t.Errorf("%s after rollback: %q", rel, got)
		}
		if got := modeOf(t, filepath.Join(st.home, rel)); got != wantOwner {
			t.Errorf("%s after rollback: %s, want %s", rel, got, wantOwner)
		}
	}
	for _, rel := range []string{"bin/actorctl", "var/clusterd-backup"} {
		if _, err := os.Stat(filepath.Join(st.home, rel)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after rollback: %v", rel, err)
		}
	}
	if !gone(clusterdPid) {
		t.Errorf("clusterd %d still runs", clusterdPid)
	}
	if running := st.running(); len(running) != 1 || running[0] == clusterdPid {
		t.Fatalf("after rollback, running %v\n%s", running, out)
	}
	if out, code = swap(t, pkg, "rollback", "--home", st.home); code != 0 || !strings.Contains(out, "nothing to roll back") {
		t.Fatalf("a second rollback: exit %d\n%s", code, out)
	}
}

// The script refuses anything but a Wazuh 4.14.x manager, a file it does not know, and an
// unknown action, and changes nothing then; --no-restart leaves a stopped daemon stopped.
func TestSwapScriptRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs shell scripts and processes")
	}
	pkg, _ := buildPackage(t)
	for _, tc := range []struct {
		version, typ, want string
	}{
		{"v4.13.2", "server", "replaces the wazuh-clusterd of Wazuh 4.14.x only"},
		{"v4.14.7", "agent", "is a Wazuh agent install, not a manager"},
	} {
		st := newSwapTree(t, tc.version, tc.typ)
		before := st.read("bin/wazuh-clusterd")
		if out, code := swap(t, pkg, "install", "--home", st.home); code != 1 || !strings.Contains(out, tc.want) {
			t.Errorf("%s %s: exit %d\n%s", tc.typ, tc.version, code, out)
		}
		if st.read("bin/wazuh-clusterd") != before {
			t.Errorf("%s %s: bin/wazuh-clusterd changed", tc.typ, tc.version)
		}
	}
	if out, code := swap(t, pkg, "install", "--home", t.TempDir()); code != 1 || !strings.Contains(out, "not a Wazuh install") {
		t.Errorf("an empty folder: exit %d\n%s", code, out)
	}

	st := newSwapTree(t, "v4.14.7", "server")
	st.write("bin/wazuh-clusterd", "#!/bin/sh\n# an operator's own\n", 0o750)
	if out, code := swap(t, pkg, "install", "--home", st.home); code != 1 || !strings.Contains(out, "neither Wazuh's launcher nor a file this script installed") {
		t.Errorf("a file of someone else's: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(st.home, "var", "clusterd-backup")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused install left a backup: %v", err)
	}
	if out, code := swap(t, pkg, "upgrade"); code != 2 || !strings.Contains(out, "clusterd-swap.sh install") {
		t.Errorf("an unknown action: exit %d\n%s", code, out)
	}

	st = newSwapTree(t, "v4.14.7", "server")
	if out, code := swap(t, pkg, "install", "--home", st.home, "--no-restart"); code != 0 || len(st.running()) != 0 {
		t.Errorf("install --no-restart of a stopped daemon: exit %d, running %v\n%s", code, st.running(), out)
	}
}
