package pyframework

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/node/logging"
	"github.com/clusterd/clusterd/wire"
)

// Options say how to run the manager's framework.
type Options struct {
	// Home is the manager's home (WAZUH_HOME): the process's working folder.
	Home string
	// Interpreter runs the helper; "" is the manager's own, <home>/framework/python/bin/python3,
	// whose site-packages hold the wazuh and api packages, as wazuh-clusterd's launcher runs it.
	Interpreter string
	// Path goes first on the interpreter's sys.path: a framework the interpreter does not
	// find by itself (a source tree, the tests' stand-in). Empty on a manager.
	Path []string
	// Env is added to the environment clusterd runs with.
	Env []string
	// Debug is the node's debug level: 1 and 2 log the framework's debug messages.
	Debug int
	// Log receives the framework's log lines and the process's own output.
	Log *logrus.Entry
	// MaxAnswer bounds one answer of the process (the largest long string a node sends, 256
	// MiB, when 0): a larger one breaks the protocol and the process is replaced.
	MaxAnswer int
}

// maxRequest bounds one request to the process: a DAPI request admitted at MaxRequestSize,
// encoded again, with room for Python's escapes.
const maxRequest = 2 * dapi.MaxRequestSize

// Launcher starts the framework's process (actors.FrameworkLauncher).
type Launcher struct {
	opts Options
}

var _ actors.FrameworkLauncher = (*Launcher)(nil)

// NewLauncher returns the launcher of the framework's process.
func NewLauncher(opts Options) *Launcher {
	if opts.Interpreter == "" {
		opts.Interpreter = filepath.Join(opts.Home, "framework", "python", "bin", "python3")
	}
	if opts.MaxAnswer <= 0 {
		opts.MaxAnswer = wire.MaxTotalSize
	}
	if opts.Log == nil {
		opts.Log = logging.Discard()
	}
	return &Launcher{opts: opts}
}

// Launch implements actors.FrameworkLauncher: it starts the interpreter with the helper and
// returns once the helper says the framework is imported. A helper that cannot import it
// exits: Launch returns the exception's last line (the traceback went to the log).
func (l *Launcher) Launch(ctx context.Context) (actors.FrameworkProcess, error) {
	cfg := helperConfig{MaxRequest: maxRequest, MaxAnswer: l.opts.MaxAnswer, Debug: l.opts.Debug, Path: l.opts.Path,
		LogFile: filepath.Join(l.opts.Home, "logs", "cluster.log")}
	cmd := exec.Command(l.opts.Interpreter, "-c", bootstrap, cfg.encode())
	cmd.Dir = l.opts.Home
	cmd.Env = append(os.Environ(), l.opts.Env...)
	cmd.SysProcAttr = groupAttr()
	p, err := start(cmd, l.opts)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, p.Kill)
	info, err := p.handshake()
	if !stop() || err != nil {
		p.Kill()
		_ = p.Wait()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("not ready in time: %w", ctxErr)
		}
		return nil, err
	}
	l.opts.Log.Debugf("The Wazuh framework's process %d is ready: %s", p.pid, messages.ClipForLog(string(info)))
	return p, nil
}

// process is one running helper (actors.FrameworkProcess).
type process struct {
	cmd    *exec.Cmd
	pid    int
	stdin  *os.File
	stdout *os.File
	frames *frameReader
	log    *logrus.Entry

	closeOnce sync.Once
	mu        sync.Mutex
	reaped    bool
	exitErr   error
	exited    chan struct{} // reaped, and what was left of its group killed
	stderrEnd chan struct{} // its output logged to the end
}

// start starts cmd with three pipes, and the goroutines that reap it and log its stderr; both
// end when the process and every process of its group have ended.
func start(cmd *exec.Cmd, opts Options) (*process, error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			_ = f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		if r, w, err = os.Pipe(); err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	inR, inW, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("pipe: %w", err)
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("pipe: %w", err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	// The child has its ends; ours would keep its output open after it exits.
	for _, f := range []*os.File{inR, outW, errW} {
		_ = f.Close()
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, stdin: inW, stdout: outR, frames: newFrameReader(outR, opts.MaxAnswer),
		log: opts.Log, exited: make(chan struct{}), stderrEnd: make(chan struct{})}
	go p.reap()
	go p.logStderr(errR)
	return p, nil
}

// handshake sends the helper's source and reads its first frame: ready, or fatal.
func (p *process) handshake() ([]byte, error) {
	if err := writeFrameRaw(p.stdin, helperSource); err != nil {
		return nil, fmt.Errorf("send the helper: %w", err)
	}
	id, kind, payload, err := p.frames.next()
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("it exited before it was ready: %w", p.Wait())
	case err != nil:
		return nil, err
	case id == 0 && kind == kindReady:
		return payload, nil
	case id == 0 && kind == kindFatal:
		_ = p.Wait()
		return nil, fmt.Errorf("the Wazuh framework cannot be imported: %s", messages.ClipForLog(lastLine(string(payload))))
	}
	return nil, fmt.Errorf("%w: frame %q of call %d before it was ready", errFrame, kind, id)
}

// writeFrameRaw writes a length and payload: the bootstrap's frame.
func writeFrameRaw(w io.Writer, payload []byte) error {
	head := []byte{byte(len(payload) >> 24), byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload))}
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// lastLine is the last non-empty line of a traceback: the exception.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (p *process) reap() {
	early := waitExited(p.pid)
	if early {
		killGroup(p.pid)
	}
	err := p.cmd.Wait()
	p.mu.Lock()
	p.reaped = true
	p.exitErr = err
	p.mu.Unlock()
	if !early {
		killGroup(p.pid)
	}
	close(p.exited)
}

// Send implements actors.FrameworkProcess.
func (p *process) Send(id uint64, body []byte, cancel bool) error {
	if cancel {
		return writeFrame(p.stdin, id, kindCancel, nil)
	}
	return writeFrame(p.stdin, id, kindRun, body)
}

// answer is one answer of the process, as Next hands it to the executor.
type answer struct {
	kind    byte
	payload []byte
}

// Next implements actors.FrameworkProcess.
func (p *process) Next() (uint64, any, error) {
	id, kind, payload, err := p.frames.next()
	if err != nil {
		return 0, nil, err
	}
	switch kind {
	case kindResult, kindRefused, kindFailed:
		if id != 0 {
			return id, answer{kind: kind, payload: payload}, nil
		}
	}
	return 0, nil, fmt.Errorf("%w: frame %q of call %d", errFrame, kind, id)
}

// Close implements actors.FrameworkProcess: the end of its input stops the helper.
func (p *process) Close() {
	p.closeOnce.Do(func() { _ = p.stdin.Close() })
}

// Kill implements actors.FrameworkProcess.
func (p *process) Kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.reaped {
		killGroup(p.pid)
	}
}

// Wait implements actors.FrameworkProcess.
func (p *process) Wait() error {
	<-p.exited
	<-p.stderrEnd
	p.Close()
	_ = p.stdout.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitErr
}

// PID implements actors.FrameworkProcess.
func (p *process) PID() int { return p.pid }

// maxLogLine bounds one line of the process's stderr: the rest of a longer line is dropped.
const maxLogLine = 64 << 10

// logStderr logs the process's stderr: the helper's lines (LEVEL, tag, subtag and text,
// separated by tabs) at their level, anything else (the interpreter's own messages) as a
// warning. Every line is clipped.
func (p *process) logStderr(r *os.File) {
	defer close(p.stderrEnd)
	defer r.Close()
	br := bufio.NewReaderSize(r, maxLogLine)
	for {
		line, err := br.ReadSlice('\n')
		text := strings.TrimRight(string(line), "\r\n")
		if errors.Is(err, bufio.ErrBufferFull) {
			// Keep the start; skip to the end of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if errors.Is(err, io.EOF) {
				err = nil // the next read ends it
			}
		}
		if text != "" {
			p.logLine(text)
		}
		if err != nil {
			return
		}
	}
}

func (p *process) logLine(text string) {
	parts := strings.SplitN(text, "\t", 4)
	if len(parts) != 4 {
		p.log.Warn(messages.ClipForLog(text))
		return
	}
	level, ok := pythonLevels[parts[0]]
	if !ok {
		p.log.Warn(messages.ClipForLog(text))
		return
	}
	entry := p.log
	if parts[1] != "" {
		entry = logging.Tagged(entry, parts[1], parts[2])
	}
	entry.Log(level, messages.ClipForLog(parts[3]))
}

// pythonLevels are the logging module's level names.
var pythonLevels = map[string]logrus.Level{
	"DEBUG": logrus.DebugLevel, "INFO": logrus.InfoLevel, "WARNING": logrus.WarnLevel,
	"ERROR": logrus.ErrorLevel, "CRITICAL": logrus.ErrorLevel,
}

// Interpreter is the interpreter the launcher runs.
func (l *Launcher) Interpreter() string { return l.opts.Interpreter }
