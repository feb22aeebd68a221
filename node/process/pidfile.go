package process

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
)

// DaemonName is the name wazuh-control, the API's daemon check (get_manager_status) and the
// pid files know the cluster daemon by.
const DaemonName = "wazuh-clusterd"

// pidFileMode is the mode Wazuh gives its pid files (pyDaemonModule.create_pid).
const pidFileMode = 0o640

// ErrAlreadyRunning refuses to start beside a cluster daemon whose pid file names a live
// process: two would fight over c-internal.sock and the cluster port.
var ErrAlreadyRunning = errors.New("the cluster daemon is already running")

// pidFileName matches the pid files of the cluster daemon and of its Python children
// (wazuh-clusterd-<pid>.pid, wazuh-clusterd_child_1-<pid>.pid), as Wazuh's clean_pid_files.
var pidFileName = regexp.MustCompile(`^wazuh-clusterd[\w_]*-(\d+)\.pid$`)

// RunDir is where a Wazuh install keeps its daemons' pid files.
func RunDir(home string) string { return filepath.Join(home, "var", "run") }

// PidFile is the running daemon's var/run/wazuh-clusterd-<pid>.pid.
type PidFile struct{ path string }

// Path is the pid file's path.
func (p *PidFile) Path() string { return p.path }

// Remove deletes the pid file (at stop). A file already gone is no error.
func (p *PidFile) Remove() error {
	if err := os.Remove(p.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the pid file: %w", err)
	}
	return nil
}

// WritePidFile writes var/run/wazuh-clusterd-<pid>.pid holding "<pid>\n", mode 0640, making
// var/run if it is missing.
func WritePidFile(home string, pid int) (*PidFile, error) {
	dir := RunDir(home)
	if err := os.MkdirAll(dir, 0o770); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.pid", DaemonName, pid))
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), pidFileMode); err != nil {
		return nil, fmt.Errorf("write the pid file: %w", err)
	}
	// WriteFile's mode is filtered by the umask, and leaves an existing file's mode.
	if err := os.Chmod(path, pidFileMode); err != nil {
		return nil, fmt.Errorf("write the pid file: %w", err)
	}
	return &PidFile{path: path}, nil
}

// CleanPidFiles removes the cluster daemon's pid files left by processes that are gone (or
// whose pid another program now has), as Wazuh's clean_pid_files does before a start, and
// returns the names it removed. A pid file naming a live cluster daemon (a process whose
// command line mentions clusterd: this program, or Wazuh's wazuh_clusterd.py) other than
// self is ErrAlreadyRunning, and is left in place.
func CleanPidFiles(home string, self int) (removed []string, err error) {
	dir := RunDir(home)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		m := pidFileName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		pid, convErr := strconv.Atoi(m[1])
		if convErr == nil && pid != self && pid > 0 && alive(pid) && isClusterd(pid) {
			return removed, fmt.Errorf("%w (pid %d, %s): stop it first", ErrAlreadyRunning, pid, filepath.Join(dir, e.Name()))
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, fmt.Errorf("remove a stale pid file: %w", err)
		}
		removed = append(removed, e.Name())
	}
	return removed, nil
}

// alive reports whether a process with this pid exists (EPERM: it exists, another user's).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isClusterd reports whether the process's command line names a cluster daemon. Without
// /proc to ask, a live process is taken for one: refusing to start is the safe mistake.
func isClusterd(pid int) bool {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		return true
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) // gone in between: not running
	}
	return bytes.Contains(cmdline, []byte("clusterd"))
}
