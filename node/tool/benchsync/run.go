package benchsync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/clusterd/clusterd/node/tool/benchhome"
	"github.com/clusterd/clusterd/node/tool/procstat"
)

// Run is one full sync to an empty worker: the master's home (already holding the tree) and
// a fresh worker home, two clusterd processes on loopback.
type Run struct {
	Bin        string // folder holding the clusterd binary
	MasterHome string
	WorkerHome string
	MaxZipSize int64 // 0: Wazuh's default
	Port       int
	Timeout    time.Duration
	Log        io.Writer // progress lines
	// Pprof, when set, is the first of two local ports where the master and the worker serve
	// their runtime profiles (clusterd --pprof).
	Pprof int
}

// Result is what one run measured.
type Result struct {
	Files     int
	Bytes     int64
	Sync      time.Duration // from the worker's "Integrity check" start to the trees being equal
	Rounds    int           // integrity syncs the worker applied
	MasterCPU time.Duration // user+system CPU of each process during the sync
	WorkerCPU time.Duration
}

const (
	masterIP = "127.0.0.41"
	workerIP = "127.0.0.42"
	pollTick = 10 * time.Millisecond
)

// Do runs the sync and stops both processes.
func (r Run) Do(ctx context.Context) (Result, error) {
	var res Result
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	for _, n := range []struct{ name, typ, ip, home string }{
		{"master", "master", masterIP, r.MasterHome}, {"worker1", "worker", workerIP, r.WorkerHome},
	} {
		if err := r.writeHome(n.home, n.name, n.typ, n.ip, hex.EncodeToString(key)); err != nil {
			return res, err
		}
	}
	files, size, err := treeSize(r.MasterHome)
	if err != nil {
		return res, err
	}
	res.Files, res.Bytes = files, size

	master, err := r.start(ctx, r.MasterHome, 0)
	if err != nil {
		return res, err
	}
	defer stop(master)
	mlog := filepath.Join(r.MasterHome, "logs", "cluster.log")
	if _, err := waitLine(ctx, mlog, r.Timeout, master, "[Local integrity] Finished"); err != nil {
		return res, fmt.Errorf("the master's first scan: %w", err)
	}
	fmt.Fprintf(r.Log, "master scanned %d files (%d MiB)\n", files, size>>20)

	worker, err := r.start(ctx, r.WorkerHome, 1)
	if err != nil {
		return res, err
	}
	defer stop(worker)
	wlog := filepath.Join(r.WorkerHome, "logs", "cluster.log")
	start, err := waitLine(ctx, wlog, r.Timeout, worker, "[Integrity check] Starting.")
	if err != nil {
		return res, fmt.Errorf("the worker's first check: %w", err)
	}
	m0, w0 := cpuTime(master.Process.Pid), cpuTime(worker.Process.Pid)
	deadline := time.Now().Add(r.Timeout)
	seen := 0
	for {
		n, err := benchhome.CountLines(wlog, "[Integrity sync] Finished in")
		if err != nil {
			return res, err
		}
		if n > seen {
			seen = n
			wf, ws, err := treeSize(r.WorkerHome)
			if err != nil {
				return res, err
			}
			if wf == files && ws == size {
				res.Sync, res.Rounds = time.Since(start), n
				break
			}
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("the worker has not caught up after %s (%d syncs)", r.Timeout, seen)
		}
		if err := alive(worker, master); err != nil {
			return res, err
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(pollTick):
		}
	}
	res.MasterCPU, res.WorkerCPU = cpuTime(master.Process.Pid)-m0, cpuTime(worker.Process.Pid)-w0
	return res, nil
}

func (r Run) writeHome(home, name, typ, ip, key string) error {
	for _, d := range []string{"etc", "logs", "queue/cluster"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o750); err != nil {
			return err
		}
	}
	_ = os.Remove(filepath.Join(home, "logs", "cluster.log"))
	conf := benchhome.Node{Name: name, Type: typ, Key: key, Port: r.Port, BindIP: ip, MasterIP: masterIP}.OssecConf()
	comm := ""
	if r.MaxZipSize > 0 {
		comm = fmt.Sprintf(`, "communication": {"max_zip_size": %d}`, r.MaxZipSize)
	}
	js := fmt.Sprintf(`{"intervals": {"worker": {"sync_integrity": 1, "connection_retry": 1}%s},
  "clusterd": {"gossip": {"port": %d}}}
`, comm, r.Port+1)
	if err := os.WriteFile(filepath.Join(home, "etc", "ossec.conf"), []byte(conf), 0o640); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, "etc", "cluster.json"), []byte(js), 0o640)
}

func (r Run) start(ctx context.Context, home string, n int) (*exec.Cmd, error) {
	args := []string{"--home", home, "-f"}
	if r.Pprof > 0 {
		args = append(args, "--pprof", fmt.Sprintf("127.0.0.1:%d", r.Pprof+n))
	}
	cmd := exec.CommandContext(ctx, filepath.Join(r.Bin, "clusterd"), args...)
	errLog, err := os.Create(filepath.Join(home, "logs", "stderr.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = errLog, errLog
	if err := cmd.Start(); err != nil {
		errLog.Close()
		return nil, fmt.Errorf("start clusterd for %s: %w", home, err)
	}
	go func() { _ = cmd.Wait(); errLog.Close() }()
	return cmd, nil
}

// stop ends a node gracefully, then for good.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	for range 100 {
		if cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
}

func alive(cmds ...*exec.Cmd) error {
	for _, c := range cmds {
		if c.ProcessState != nil || c.Process.Signal(syscall.Signal(0)) != nil {
			return fmt.Errorf("clusterd (pid %d) exited; see its logs", c.Process.Pid)
		}
	}
	return nil
}

// waitLine polls a log until a line holds text and returns when it was first seen.
func waitLine(ctx context.Context, path string, timeout time.Duration, cmd *exec.Cmd, text string) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		if n, _ := benchhome.CountLines(path, text); n > 0 {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("no %q in %s after %s", text, path, timeout)
		}
		if err := alive(cmd); err != nil {
			return time.Time{}, err
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(pollTick):
		}
	}
}

// treeSize counts the generated files and their bytes under a home's etc/rules and
// etc/decoders.
func treeSize(home string) (files int, size int64, err error) {
	for _, dir := range []string{"etc/rules", "etc/decoders"} {
		err = filepath.WalkDir(filepath.Join(home, dir), func(path string, d fs.DirEntry, err error) error {
			switch {
			case os.IsNotExist(err):
				return nil
			case err != nil:
				return err
			case d.IsDir() || strings.HasPrefix(d.Name(), "."):
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil // renamed away meanwhile
			}
			files++
			size += fi.Size()
			return nil
		})
		if err != nil {
			return files, size, err
		}
	}
	return files, size, nil
}

// cpuTime is a process's user+system CPU time; 0 once it is gone.
func cpuTime(pid int) time.Duration {
	t, _ := procstat.CPUTime(pid)
	return t
}
