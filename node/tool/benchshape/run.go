package benchshape

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/clusterd/clusterd/node/tool/benchhome"
)

// Result is what one run of the shape measured.
type Result struct {
	Workers, Agents int
	OthersNice      int           // the workers' and agent simulators' niceness
	Setup           time.Duration // from the master's start to every agent connected and reported
	Grouped         int           // agents in the default group when the steady window began
	Steady          time.Duration
	Master          nodeStats
	WorkersWorst    nodeStats // figure by figure, the worst worker
}

const (
	pollTick = 200 * time.Millisecond
	// groupsPoll spaces the agent_groups runs that ask the master for its default group.
	groupsPoll = 5 * time.Second
	// groupsStall ends the wait for the default group when its count has not grown this long.
	groupsStall = time.Minute
)

// Run lays out the homes, runs the shape and stops every process it started.
func Run(ctx context.Context, c Config) (Result, error) {
	c = c.withDefaults()
	res := Result{Workers: c.Workers, Agents: c.Agents, OthersNice: c.OthersNice, Steady: c.Steady}
	if err := c.validate(); err != nil {
		return res, err
	}
	nodes, err := layout(c)
	if err != nil {
		return res, err
	}
	r := &run{c: c, nodes: nodes}
	defer func() {
		r.stopSampling()
		r.stopAll()
	}()
	t0 := time.Now()
	if err := r.startCluster(ctx); err != nil {
		return res, err
	}
	steadyFrom, err := r.waitReady(ctx)
	if err != nil {
		return res, err
	}
	res.Setup = steadyFrom.Sub(t0)
	res.Grouped = r.grouped
	fmt.Fprintf(c.Log, "ready after %s: every agent connected and reported; steady for %s\n", res.Setup.Round(time.Second), c.Steady)
	if err := r.hold(ctx, c.Steady); err != nil {
		return res, err
	}
	end := time.Now()
	r.stopSampling()
	r.stopAll()
	return r.collect(res, steadyFrom, end)
}

type run struct {
	c           Config
	nodes       []*node
	procs       []*proc // master, then workers
	agents      []*agents
	samples     sampler
	stopSampler func()
	grouped     int // agents in the default group when the steady window began
}

// sample starts sampling procs each second, after stopping what sampled before.
func (r *run) sample(procs []*proc) {
	r.stopSampling()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.samples.run(ctx, procs) }()
	r.stopSampler = func() { cancel(); <-done }
}

func (r *run) stopSampling() {
	if r.stopSampler != nil {
		r.stopSampler()
		r.stopSampler = nil
	}
}

func (r *run) startCluster(ctx context.Context) error {
	master, err := startNode(ctx, r.c, r.nodes[0], 0)
	if err != nil {
		return err
	}
	r.procs = append(r.procs, master)
	r.sample(r.procs[:1])
	if err := r.waitLog(ctx, r.nodes[0], "[Local integrity] Finished", 1); err != nil {
		return fmt.Errorf("the master's first scan: %w", err)
	}
	fmt.Fprintf(r.c.Log, "master up (%d agents imported)\n", r.c.Agents)
	for i, w := range r.nodes[1:] {
		p, err := startNode(ctx, r.c, w, 1+i)
		if err != nil {
			return err
		}
		r.procs = append(r.procs, p)
		a, err := startAgents(ctx, r.c, w)
		if err != nil {
			return err
		}
		r.agents = append(r.agents, a)
	}
	r.sample(r.procs)
	fmt.Fprintf(r.c.Log, "%d workers and their agents started\n", len(r.nodes)-1)
	return nil
}

// waitReady waits for every worker's first integrity sync, every agent connected, and then
// the master's agent-info sync of every worker after that.
func (r *run) waitReady(ctx context.Context) (time.Time, error) {
	for _, w := range r.nodes[1:] {
		if err := r.waitLog(ctx, w, "[Integrity sync] Finished", 1); err != nil {
			return time.Time{}, fmt.Errorf("%s's first integrity sync: %w", w.name, err)
		}
	}
	fmt.Fprintln(r.c.Log, "every worker synced")
	if err := r.until(ctx, "every agent connected", func() (bool, error) {
		n := int64(0)
		for _, a := range r.agents {
			n += a.connected.Load()
		}
		return n == int64(r.c.Agents), nil
	}); err != nil {
		return time.Time{}, err
	}
	fmt.Fprintln(r.c.Log, "every agent connected")
	// Agents registered without a group get "default" at their first keepalive, each through
	// the master (Wazuh's assigngroup): the setup lasts until the last one has it, or until the
	// count has not grown for groupsStall (it is reported either way).
	var (
		asked, grew time.Time
		last        = -1
	)
	if err := r.until(ctx, "every agent in the default group", func() (bool, error) {
		if time.Since(asked) < groupsPoll {
			return false, nil
		}
		asked = time.Now()
		n, err := r.defaultGroupSize(ctx)
		if n > last {
			last, grew = n, asked
		}
		r.grouped = last
		return n == r.c.Agents || time.Since(grew) > groupsStall, err
	}); err != nil {
		return time.Time{}, err
	}
	connected := time.Now()
	fmt.Fprintf(r.c.Log, "%d agents in the default group\n", r.grouped)
	// A log line's time has a resolution of a second: count the syncs that finished after the
	// next whole second.
	after := connected.Truncate(time.Second).Add(time.Second)
	err := r.until(ctx, "the master's agent-info sync of every worker", func() (bool, error) {
		synced, err := agentInfoSyncedSince(filepath.Join(r.nodes[0].home, "logs", "cluster.log"), after)
		return len(synced) >= len(r.nodes)-1, err
	})
	return time.Now(), err
}

var defaultGroupLine = regexp.MustCompile(`(?m)^\s*default \((\d+)\)`)

// defaultGroupSize asks the master, with agent_groups -l, how many agents the default group has.
func (r *run) defaultGroupSize(ctx context.Context) (int, error) {
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(tctx, filepath.Join(r.c.Bin, "agent_groups"), "-home", r.nodes[0].home, "-l").Output()
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		// Without the tool every count would read 0 and the steady window would begin while
		// the agents are still being given their group.
		return 0, fmt.Errorf("count the default group: %w", err)
	}
	if err != nil {
		return 0, nil // the master is busy: ask again
	}
	m := defaultGroupLine.FindSubmatch(out)
	if m == nil {
		return 0, nil
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n, nil
}

var masterAgentInfo = regexp.MustCompile(`^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) .*\[Worker ([^\]]+)\] \[Agent-info sync\] Finished in`)

// agentInfoSyncedSince lists the workers whose agent-info the master applied at or after t.
func agentInfoSyncedSince(path string, t time.Time) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := masterAgentInfo.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if at, err := time.ParseInLocation(logTime, m[1], time.Local); err == nil && !at.Before(t) {
			out[m[2]] = true
		}
	}
	return out, sc.Err()
}

// hold lets the cluster run for d, checking that every process lives.
func (r *run) hold(ctx context.Context, d time.Duration) error {
	end := time.Now().Add(d)
	return r.until(ctx, "the steady window", func() (bool, error) { return !time.Now().Before(end), nil })
}

// until polls cond, failing on a process that exited, a cancelled run or the setup timeout.
func (r *run) until(ctx context.Context, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(r.c.SetupTimeout)
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if ok {
			return nil
		}
		if err := r.alive(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not after %s", what, r.c.SetupTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollTick):
		}
	}
}

func (r *run) waitLog(ctx context.Context, n *node, text string, count int) error {
	path := filepath.Join(n.home, "logs", "cluster.log")
	return r.until(ctx, fmt.Sprintf("%q in %s", text, path), func() (bool, error) {
		got, err := benchhome.CountLines(path, text)
		return got >= count, err
	})
}

var errExited = errors.New("exited; see its logs")

func (r *run) alive() error {
	for _, p := range r.procs {
		if p.exited() {
			return fmt.Errorf("%s (pid %d) %w", p.name, p.pid(), errExited)
		}
	}
	for _, a := range r.agents {
		if a.exited() {
			return fmt.Errorf("%s (pid %d) %w", a.name, a.pid(), errExited)
		}
	}
	return nil
}

// stopAll stops the agents first, so that the nodes do not log their loss, then the nodes.
func (r *run) stopAll() {
	for _, a := range r.agents {
		a.stop()
	}
	for i := len(r.procs) - 1; i >= 0; i-- {
		r.procs[i].stop()
	}
	r.agents, r.procs = nil, nil
}

// collect reads every node's tasks, cuts the phases and writes the artifacts.
func (r *run) collect(res Result, steadyFrom, end time.Time) (Result, error) {
	res.WorkersWorst = nodeStats{}
	for i, n := range r.nodes {
		tasks, err := readTasks(filepath.Join(n.home, "logs"))
		if err != nil {
			return res, err
		}
		win, ok := phases(tasks, steadyFrom, end)
		if !ok {
			return res, fmt.Errorf("%s logged no integrity sync", n.name)
		}
		samples := r.samples.of(n.name)
		if err := writeArtifacts(filepath.Join(r.c.Data, "artifacts", n.name), samples, tasks); err != nil {
			return res, err
		}
		st := statsOf(samples, tasks, win)
		if i == 0 {
			res.Master = st
			continue
		}
		for phase, figures := range st {
			if res.WorkersWorst[phase] == nil {
				res.WorkersWorst[phase] = map[string]stat{}
			}
			for name, s := range figures {
				res.WorkersWorst[phase][name] = worse(res.WorkersWorst[phase][name], s, n.name)
			}
		}
	}
	return res, nil
}
