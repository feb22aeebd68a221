package process

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// backgroundEnv marks the process Background starts; its readiness pipe is descriptor 3.
const backgroundEnv = "CLUSTERD_BACKGROUND"

// maxReadyReport bounds what the parent reads of the child's report.
const maxReadyReport = 64 << 10

// ErrNotReady says the daemon went to the background but did not start.
var ErrNotReady = errors.New("the cluster daemon did not start")

// InBackground reports whether this process is the one Background started.
func InBackground() bool { return os.Getenv(backgroundEnv) == "1" }

// Background runs this program again, with the same arguments, as a daemon: in a session of
// its own, stdin, stdout and stderr on /dev/null, as wazuh-clusterd's double fork leaves it
// (Go cannot fork a running runtime). Unlike wazuh-clusterd, whose parent exits before the
// daemon has done anything, it returns once the daemon says it is ready (Ready.Started), or
// with the daemon's own error when it could not start, so that wazuh-control's start reports
// a failed start ("did not start correctly") instead of taking it for a success.
func Background() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("go to the background: %w", err)
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("go to the background: %w", err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("go to the background: %w", err)
	}
	defer r.Close()
	cmd := &exec.Cmd{
		Path: exe, Args: os.Args,
		Env:   append(os.Environ(), backgroundEnv+"=1"),
		Stdin: devNull, Stdout: devNull, Stderr: devNull,
		ExtraFiles:  []*os.File{w}, // descriptor 3
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = cmd.Start()
	w.Close() // the child holds the only writer now: EOF when it reports or dies
	if err != nil {
		return fmt.Errorf("go to the background: %w", err)
	}
	report, _ := io.ReadAll(io.LimitReader(r, maxReadyReport))
	if text := string(report); text == readyOK {
		return cmd.Process.Release()
	}
	waitErr := cmd.Wait()
	text := strings.TrimSpace(strings.TrimPrefix(string(report), readyFailed))
	if text == "" {
		text = fmt.Sprintf("it ended before it was ready (%v)", waitErr)
	}
	return fmt.Errorf("%w: %s", ErrNotReady, text)
}

const (
	readyOK     = "ready\n"
	readyFailed = "failed: "
)

// Ready is the daemon's side of Background's wait: nil in a process that was not started by
// Background, where its methods do nothing.
type Ready struct{ pipe *os.File }

// ReadyPipe returns the daemon's readiness pipe, taking the marker out of the environment
// so that nothing the daemon runs inherits it.
func ReadyPipe() *Ready {
	if !InBackground() {
		return nil
	}
	_ = os.Unsetenv(backgroundEnv)
	return &Ready{pipe: os.NewFile(3, "ready")}
}

// Started tells the waiting parent the daemon is running.
func (r *Ready) Started() { r.report(readyOK) }

// Failed tells the waiting parent why the daemon could not start.
func (r *Ready) Failed(err error) { r.report(readyFailed + err.Error() + "\n") }

func (r *Ready) report(text string) {
	if r == nil || r.pipe == nil {
		return
	}
	_, _ = io.WriteString(r.pipe, text)
	_ = r.pipe.Close()
	r.pipe = nil
}
