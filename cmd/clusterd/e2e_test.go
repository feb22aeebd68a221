package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterd/clusterd/node/tool/benchhome"
)

// The end-to-end test builds the real binaries and runs a master and two workers as separate
// processes on loopback addresses, then kills and restarts them.

const e2eKey = "c98b62a9b6169ac5f67dae55ae4a9088"

type proc struct {
	name, home, ip string
	cmd            *exec.Cmd
}

type e2eCluster struct {
	t     testing.TB
	bin   string
	port  int
	procs map[string]*proc
}

func buildBinaries(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", "github.com/clusterd/clusterd/cmd/clusterd", "github.com/clusterd/clusterd/cmd/cluster_control", "github.com/clusterd/clusterd/cmd/actorctl")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return dir
}

func freeTCPPort(t testing.TB, ip string) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", ip+":0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		// The gossip port is port+1 on every node; it must be free for TCP and UDP.
		if g, err := net.Listen("tcp", fmt.Sprintf("%s:%d", ip, port+1)); err == nil {
			_ = g.Close()
			if u, err := net.ListenPacket("udp", fmt.Sprintf("%s:%d", ip, port+1)); err == nil {
				_ = u.Close()
				return port
			}
		}
	}
	t.Fatal("no free port pair")
	return 0
}

func newE2E(t testing.TB) *e2eCluster {
	base := fmt.Sprintf("127.%d.200.", 1+os.Getpid()%250)
	c := &e2eCluster{t: t, bin: buildBinaries(t), procs: map[string]*proc{}}
	c.port = freeTCPPort(t, base+"1")
	for i, name := range []string{"master", "worker1", "worker2"} {
		home, err := os.MkdirTemp("", "clusterd-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(home) })
		p := &proc{name: name, home: home, ip: fmt.Sprintf("%s%d", base, i+1)}
		typ := "worker"
		if i == 0 {
			typ = "master"
		}
		writeHome(t, p, typ, base+"1", c.port)
		c.procs[name] = p
	}
	t.Cleanup(c.stopAll)
	return c
}

func writeHome(t testing.TB, p *proc, typ, masterIP string, port int) {
	t.Helper()
	conf := benchhome.Node{ClusterName: "wazuh", Name: p.name, Type: typ, Key: e2eKey, Port: port, BindIP: p.ip, MasterIP: masterIP}.OssecConf()
	internal := fmt.Sprintf(`{"intervals": {"worker": {"keep_alive": 1, "connection_retry": 1},
  "master": {"check_worker_lastkeepalive": 1, "max_allowed_time_without_keepalive": 5}},
  "clusterd": {"gossip": {"port": %d}}}`, port+1)
	must(t, os.MkdirAll(filepath.Join(p.home, "etc"), 0o750))
	must(t, os.WriteFile(filepath.Join(p.home, "etc", "ossec.conf"), []byte(conf), 0o640))
	must(t, os.WriteFile(filepath.Join(p.home, "etc", "cluster.json"), []byte(internal), 0o640))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (c *e2eCluster) start(name string, extraArgs ...string) {
	c.t.Helper()
	p := c.procs[name]
	cmd := exec.Command(filepath.Join(c.bin, "clusterd"), append([]string{"--home", p.home, "-f"}, extraArgs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	must(c.t, cmd.Start())
	p.cmd = cmd
}

func (c *e2eCluster) signal(name string, sig syscall.Signal) {
	c.t.Helper()
	p := c.procs[name]
	must(c.t, p.cmd.Process.Signal(sig))
	_ = p.cmd.Wait()
	p.cmd = nil
}

func (c *e2eCluster) stopAll() {
	for _, p := range c.procs {
		if p.cmd != nil {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = p.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = p.cmd.Process.Kill()
				<-done
				c.t.Errorf("%s did not stop within 10 s of SIGTERM", p.name)
			}
			p.cmd = nil
		}
	}
}

// control runs cluster_control against a node and returns its output and exit code.
func (c *e2eCluster) control(name string, args ...string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, "cluster_control"), append([]string{"--home", c.procs[name].home}, args...)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return string(out), code
}

// waitWorkers polls cluster_control -l on the master until exactly want are listed.
func (c *e2eCluster) waitWorkers(timeout time.Duration, want ...string) time.Duration {
	c.t.Helper()
	start := time.Now()
	var last string
	for time.Since(start) < timeout {
		out, code := c.control("master", "-l")
		last = out
		if code == 0 && listsExactly(out, want) {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("workers %v not listed within %s; last output:\n%s", want, timeout, last)
	return 0
}

func listsExactly(out string, want []string) bool {
	var got []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == "worker" {
			got = append(got, f[0])
		}
	}
	sort.Strings(got)
	return strings.Join(got, ",") == strings.Join(want, ",")
}

func TestEndToEndKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with real processes")
	}
	c := newE2E(t)
	c.start("master")
	c.start("worker1")
	c.start("worker2")
	c.waitWorkers(30*time.Second, "worker1", "worker2")

	out, code := c.control("master", "-l")
	if code != 0 || !strings.HasPrefix(out, "NAME") {
		t.Fatalf("cluster_control -l: exit %d\n%s", code, out)
	}
	out, code = c.control("worker1", "-i")
	if code != 0 || !strings.Contains(out, "Cluster name: wazuh") || !strings.Contains(out, "worker2 (") {
		t.Fatalf("cluster_control -i on a worker: exit %d\n%s", code, out)
	}

	// kill -9 a worker: the master drops it within 3 s.
	c.signal("worker1", syscall.SIGKILL)
	took := c.waitWorkers(3*time.Second, "worker2")
	t.Logf("master dropped the killed worker in %s", took)

	// Restart it: it is back.
	c.start("worker1")
	c.waitWorkers(15*time.Second, "worker1", "worker2")

	// Restart the master: both workers reconnect.
	c.signal("master", syscall.SIGTERM)
	c.start("master")
	took = c.waitWorkers(15*time.Second, "worker1", "worker2")
	t.Logf("both workers were back %s after the master restarted", took)

	// SIGTERM stops a node cleanly.
	c.signal("worker2", syscall.SIGTERM)
	if state := c.procs["worker2"]; state.cmd != nil {
		t.Fatal("worker2 still running")
	}
}
