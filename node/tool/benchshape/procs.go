package benchshape

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// proc is one process the run started.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startProc starts a binary with its output in logPath, at the given niceness (0: the run's
// own); onLine, when set, sees each line.
func startProc(ctx context.Context, name, logPath string, onLine func(string), nice int, bin string, args ...string) (*proc, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if nice != 0 {
		// nice(1) execs the binary, so the process keeps its pid, and every thread the binary
		// starts inherits the niceness (setpriority on a running process would reach only
		// its first thread).
		args = append([]string{"-n", strconv.Itoa(nice), bin}, args...)
		bin = "nice"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = out
	var lines *os.File
	if onLine == nil {
		cmd.Stdout = out
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			out.Close()
			return nil, fmt.Errorf("start %s: %w", name, err)
		}
		cmd.Stdout, lines = w, r
		defer w.Close()
	}
	if err := cmd.Start(); err != nil {
		out.Close()
		if lines != nil {
			lines.Close()
		}
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	read := make(chan struct{})
	if lines != nil {
		go func() {
			defer close(read)
			defer lines.Close()
			sc := bufio.NewScanner(lines)
			for sc.Scan() {
				onLine(sc.Text())
				fmt.Fprintln(out, sc.Text())
			}
		}()
	} else {
		close(read)
	}
	go func() {
		_ = cmd.Wait()
		<-read
		out.Close()
		close(p.done)
	}()
	return p, nil
}

// stop ends a process gracefully, then for good, and waits for it.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func startNode(ctx context.Context, c Config, n *node, index int) (*proc, error) {
	args := []string{"--home", n.home, "-f"}
	if c.Pprof > 0 {
		args = append(args, "--pprof", fmt.Sprintf("127.0.0.1:%d", c.Pprof+index))
	}
	nice := c.OthersNice
	if index == 0 {
		nice = 0 // the master
	}
	return startProc(ctx, n.name, filepath.Join(n.home, "logs", "stderr.log"), nil, nice, filepath.Join(c.Bin, "clusterd"), args...)
}

// agents is one agentsim process: the agents of one worker.
type agents struct {
	*proc
	connected atomic.Int64
}

var connectedLine = regexp.MustCompile(`^agents (\d+), connected (\d+)`)

func startAgents(ctx context.Context, c Config, w *node) (*agents, error) {
	a := &agents{}
	onLine := func(line string) {
		if m := connectedLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.ParseInt(m[2], 10, 64)
			a.connected.Store(n)
		}
	}
	p, err := startProc(ctx, "agents of "+w.name, filepath.Join(c.Data, "agents", w.name+".log"), onLine,
		c.OthersNice, filepath.Join(c.Bin, "agentsim"),
		"-keys", w.keys, "-servers", fmt.Sprintf("%s:1514", w.ip),
		"-notify", c.NotifyTime.String(), "-retry", "10s", "-report", "2s",
		"-connect-concurrency", "64", "-log-level", "error")
	if err != nil {
		return nil, err
	}
	a.proc = p
	return a, nil
}
