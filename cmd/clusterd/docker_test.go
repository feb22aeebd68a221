package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The Docker test runs deploy/docker (the Dockerfile and compose.yml) for real: a master and two
// workers, each in its own FROM-scratch container with its own network stack, so that a node can
// vanish from the network without closing its TCP connections, which loopback cannot show.

const (
	// dockerPoll is the start-to-start period of the cluster_control polls.
	dockerPoll = 100 * time.Millisecond
	// detectionBound is how soon the master must stop listing a worker whose host vanished:
	// memberlist's detection with the production timers (3 s), then the echo the master sends
	// over the TCP connection before it believes gossip (answered within 2 s, or by any other
	// frame: a starved peer is given that long), plus one polling period.
	detectionBound     = 5*time.Second + dockerPoll
	dockerCmdTimeout   = 30 * time.Second
	dockerBuildTimeout = 3 * time.Minute
)

// dockerIPs is the last octet of each compose service's fixed address (compose.yml and
// compose.ha.yml).
var dockerIPs = map[string]int{"master": 10, "worker1": 11, "worker2": 12, "master2": 13, "master3": 14}

// dockerNodes is compose.yml's cluster: one master and two workers.
var dockerNodes = []string{"master", "worker1", "worker2"}

type dockerCluster struct {
	t          *testing.T
	id         string // random, makes the image tag and the compose project unique
	compose    []string
	env        []string // added to every command's environment
	subnet     string   // first three octets
	state      string   // <node>/etc of every node, bind-mounted read-only
	uid, gid   int
	nodes      []string          // the services started (each one's node_name is its service name)
	masters    []string          // the master-eligible ones, listed in every node's <nodes>
	containers map[string]string // service name → container ID
	network    string
}

func TestDockerMultiHost(t *testing.T) {
	compose := dockerOrSkip(t)
	d := newDockerCluster(t, compose, dockerNodes, []string{"master"})
	d.buildImage()
	start := time.Now()
	d.up()
	took := d.waitListed(start, 60*time.Second, "worker1", "worker2")
	t.Logf("both workers connected %s after docker-compose up began", took)

	// a. worker1's host leaves the network without closing anything: only memberlist, with its
	// production timers, can notice. Keepalive checks are set far above the bound (cluster.json),
	// so they cannot be what drops it.
	began := time.Now()
	start = d.docker("network", "disconnect", d.network, d.containers["worker1"])
	t.Logf("docker network disconnect took %s", start.Sub(began).Round(time.Millisecond))
	d.expectDropped(start, "network disconnect of worker1", "worker2")
	// The worker keeps its address: its listeners are bound to it.
	start = d.docker("network", "connect", "--ip", d.ip("worker1"), d.network, d.containers["worker1"])
	took = d.waitListed(start, 10*time.Second, "worker1", "worker2")
	t.Logf("worker1 listed again %s after its network came back", took)

	// b. worker2's process is killed and its container started again.
	start = d.docker("kill", d.containers["worker2"])
	d.expectDropped(start, "docker kill of worker2", "worker1")
	start = d.docker("start", d.containers["worker2"])
	took = d.waitListed(start, 10*time.Second, "worker1", "worker2")
	t.Logf("worker2 listed again %s after docker start", took)

	// c. The master restarts (SIGTERM, then a fresh process that knows nobody): both workers
	// rejoin its gossip and reconnect.
	start = d.docker("restart", "-t", "15", d.containers["master"])
	took = d.waitListed(start, 30*time.Second, "worker1", "worker2")
	t.Logf("both workers listed again %s after docker restart of the master", took)
}

// dockerOrSkip skips the test with -short, with CLUSTERD_DOCKER=0, or when Docker does not
// answer, and returns the compose command otherwise.
func dockerOrSkip(t *testing.T) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("Docker multi-host test")
	}
	if os.Getenv("CLUSTERD_DOCKER") == "0" {
		t.Skip("CLUSTERD_DOCKER=0")
	}
	compose, why := dockerAvailable()
	if compose == nil {
		t.Skip(why)
	}
	return compose
}

// dockerAvailable returns the compose command, or nil and why the test cannot run.
func dockerAvailable() ([]string, string) {
	if _, err := exec.LookPath("docker"); err != nil {
		return nil, "docker is not installed"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		return nil, fmt.Sprintf("the Docker daemon does not answer: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if exec.CommandContext(ctx, "docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}, ""
	}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose"}, ""
	}
	return nil, "neither docker compose nor docker-compose is installed"
}

// newDockerCluster runs nodes (compose services) with masters as the master-eligible ones;
// extra compose files (beside deploy/docker) add services to compose.yml.
func newDockerCluster(t *testing.T, compose, nodes, masters []string, extra ...string) *dockerCluster {
	t.Helper()
	raw := make([]byte, 4)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	d := &dockerCluster{t: t, id: hex.EncodeToString(raw), containers: map[string]string{}, state: t.TempDir(),
		nodes: nodes, masters: masters,
		// No buildx here, and FROM scratch needs nothing BuildKit adds.
		env: []string{"DOCKER_BUILDKIT=0"}}
	composeFile, err := filepath.Abs("../../deploy/docker/compose.yml")
	must(t, err)
	d.compose = append(append([]string(nil), compose...), "-p", d.project(), "-f", composeFile)
	for _, f := range extra {
		path, err := filepath.Abs(filepath.Join("../../deploy/docker", f))
		must(t, err)
		d.compose = append(d.compose, "-f", path)
	}
	// As root the daemon runs as 1000:1000 and reads its configuration through the group, as
	// deploy/docker/run.sh does; otherwise it runs as the caller, who owns the configuration.
	d.uid, d.gid = os.Getuid(), os.Getgid()
	if d.uid == 0 {
		d.uid, d.gid = 1000, 1000
	}
	return d
}

func (d *dockerCluster) project() string { return "clusterdtest" + d.id }
func (d *dockerCluster) image() string   { return "clusterd-test:" + d.id }

func (d *dockerCluster) ip(node string) string {
	last, ok := dockerIPs[node]
	if !ok {
		d.t.Fatalf("unknown node %s", node)
	}
	return fmt.Sprintf("%s.%d", d.subnet, last)
}

// command runs one docker (or compose) command under its own deadline and returns its combined
// output.
func (d *dockerCluster) command(timeout time.Duration, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), d.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out), nil
}

// docker runs a docker command that must succeed and returns when it finished.
func (d *dockerCluster) docker(args ...string) time.Time {
	d.t.Helper()
	if _, err := d.command(dockerCmdTimeout, append([]string{"docker"}, args...)...); err != nil {
		d.t.Fatal(err)
	}
	return time.Now()
}

func (d *dockerCluster) composeCmd(timeout time.Duration, args ...string) (string, error) {
	return d.command(timeout, append(append([]string(nil), d.compose...), args...)...)
}

// buildImage builds the static binaries and the image from deploy/docker/Dockerfile, and removes
// the image when the test ends.
func (d *dockerCluster) buildImage() {
	t := d.t
	t.Helper()
	ctxDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), dockerBuildTimeout)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(ctxDir, "bin")+"/",
		"github.com/clusterd/clusterd/cmd/clusterd", "github.com/clusterd/clusterd/cmd/cluster_control",
		"github.com/clusterd/clusterd/cmd/actorctl")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, dir := range []string{"etc", "logs", "queue/cluster", "var/db"} {
		must(t, os.MkdirAll(filepath.Join(ctxDir, "ossec", dir), 0o750))
	}
	dockerfile, err := filepath.Abs("../../deploy/docker/Dockerfile")
	must(t, err)
	t.Cleanup(func() {
		if out, err := d.command(dockerCmdTimeout, "docker", "image", "rm", "-f", d.image()); err != nil {
			t.Errorf("remove image: %v\n%s", err, out)
		}
	})
	_, err = d.command(dockerBuildTimeout, "docker", "build", "-q",
		"--build-arg", fmt.Sprintf("CLUSTERD_UID=%d", d.uid), "--build-arg", fmt.Sprintf("CLUSTERD_GID=%d", d.gid),
		"-t", d.image(), "-f", dockerfile, ctxDir)
	must(t, err)
}

// up writes the configuration and starts the containers on a /24 of 172.28.0.0/16 picked at
// random; another one is tried when Docker reports that the subnet is taken.
func (d *dockerCluster) up() {
	t := d.t
	t.Helper()
	t.Cleanup(d.down)
	var err error
	for range 5 {
		d.subnet = fmt.Sprintf("172.28.%d", 1+mrand.IntN(254))
		d.writeConfigs()
		d.env = append(d.env[:1:1], "CLUSTERD_IMAGE="+d.image(), "CLUSTERD_SUBNET="+d.subnet, "CLUSTERD_STATE="+d.state)
		if _, err = d.composeCmd(2*time.Minute, append([]string{"up", "-d"}, d.nodes...)...); err == nil {
			break
		}
		if !strings.Contains(err.Error(), "overlaps") {
			t.Fatal(err)
		}
		_, _ = d.composeCmd(time.Minute, "down", "-v")
	}
	must(t, err)
	for _, n := range d.nodes {
		out, err := d.composeCmd(dockerCmdTimeout, "ps", "-q", n)
		must(t, err)
		if d.containers[n] = strings.TrimSpace(out); d.containers[n] == "" {
			t.Fatalf("no container for %s", n)
		}
	}
	out, err := d.command(dockerCmdTimeout, "docker", "inspect", "-f",
		"{{range $name, $net := .NetworkSettings.Networks}}{{$name}} {{end}}", d.containers[d.nodes[0]])
	must(t, err)
	if nets := strings.Fields(out); len(nets) == 1 {
		d.network = nets[0]
	} else {
		t.Fatalf("%s is on networks %q, want exactly one", d.nodes[0], nets)
	}
}

// down removes containers, network and volumes, and shows the nodes' logs first if the test
// failed.
func (d *dockerCluster) down() {
	if d.t.Failed() {
		if out, err := d.composeCmd(dockerCmdTimeout, "logs", "--no-color", "--tail", "40"); err == nil {
			d.t.Logf("container logs:\n%s", out)
		}
	}
	if out, err := d.composeCmd(2*time.Minute, "down", "-v", "--remove-orphans"); err != nil {
		d.t.Errorf("docker-compose down: %v\n%s", err, out)
	}
}

// writeConfigs writes each node's ossec.conf and cluster.json. The memberlist timers keep their
// production defaults; the Wazuh keepalive checks are far slower than detectionBound, and
// connection_retry is short so that a worker is back quickly.
func (d *dockerCluster) writeConfigs() {
	t := d.t
	t.Helper()
	nodes := ""
	for _, m := range d.masters {
		nodes += "<node>" + d.ip(m) + "</node>"
	}
	for _, n := range d.nodes {
		typ := "worker"
		if slices.Contains(d.masters, n) {
			typ = "master"
		}
		conf := fmt.Sprintf(`<ossec_config>
  <cluster>
    <name>wazuh</name>
    <node_name>%s</node_name>
    <node_type>%s</node_type>
    <key>%s</key>
    <port>1516</port>
    <bind_addr>%s</bind_addr>
    <nodes>%s</nodes>
    <hidden>no</hidden>
    <disabled>no</disabled>
  </cluster>
</ossec_config>
`, n, typ, e2eKey, d.ip(n), nodes)
		internal := `{"intervals": {"worker": {"keep_alive": 5, "connection_retry": 1},
  "master": {"check_worker_lastkeepalive": 5, "max_allowed_time_without_keepalive": 30}},
  "clusterd": {"gossip": {"port": 1517}}}
`
		etc := filepath.Join(d.state, n, "etc")
		must(t, os.MkdirAll(etc, 0o750))
		files := map[string]string{"ossec.conf": conf, "cluster.json": internal}
		for name, body := range files {
			path := filepath.Join(etc, name)
			must(t, os.WriteFile(path, []byte(body), 0o640))
			d.shareWithContainer(path)
		}
		d.shareWithContainer(etc)
	}
}

// shareWithContainer gives the container's group read access when the test runs as root.
func (d *dockerCluster) shareWithContainer(path string) {
	if os.Getuid() == 0 {
		must(d.t, os.Chown(path, 0, d.gid))
	}
}

// exec runs one of the image's tools (cluster_control, actorctl) on node inside its container.
func (d *dockerCluster) exec(node string, timeout time.Duration, tool string, args ...string) (string, error) {
	argv := append([]string{"docker", "exec", d.containers[node], "/usr/bin/" + tool, "--home", "/var/ossec"}, args...)
	return d.command(timeout, argv...)
}

// pollListed polls node's cluster_control -l every dockerPoll until exactly want (sorted) are
// listed as workers. It returns how long after since the first poll that saw it had begun (lo) and had
// ended (hi): the change happened before hi, and after the previous poll had begun.
func (d *dockerCluster) pollListed(node string, since time.Time, timeout time.Duration, want ...string) (lo, hi time.Duration, last string, err error) {
	deadline := since.Add(timeout)
	prev := since
	for {
		began := time.Now()
		out, cerr := d.exec(node, min(10*time.Second, max(time.Until(deadline), time.Second)), "cluster_control", "-l")
		last = out
		if cerr == nil && listsExactly(out, want) {
			return prev.Sub(since), time.Since(since), last, nil
		}
		if time.Now().After(deadline) {
			return 0, 0, last, errors.New("deadline exceeded")
		}
		if cerr == nil && began.After(since) {
			prev = began
		}
		if wait := dockerPoll - time.Since(began); wait > 0 {
			time.Sleep(wait)
		}
	}
}

// waitListed waits until the master lists exactly want and returns how long after since that
// was.
func (d *dockerCluster) waitListed(since time.Time, timeout time.Duration, want ...string) time.Duration {
	d.t.Helper()
	return d.waitListedOn("master", since, timeout, want...)
}

// waitListedOn is waitListed asking node.
func (d *dockerCluster) waitListedOn(node string, since time.Time, timeout time.Duration, want ...string) time.Duration {
	d.t.Helper()
	_, hi, last, err := d.pollListed(node, since, timeout, want...)
	if err != nil {
		d.t.Fatalf("%s does not list exactly %v within %s; last output:\n%s", node, want, timeout, last)
	}
	return hi
}

// expectDropped checks that, after the event that finished at start, the master lists exactly
// remaining within detectionBound. A slower detection is reported with its figure, and the
// test goes on once it has happened so that the later steps still run.
func (d *dockerCluster) expectDropped(start time.Time, event string, remaining ...string) {
	d.t.Helper()
	lo, hi, last, err := d.pollListed("master", start, 15*time.Second, remaining...)
	if err != nil {
		d.t.Fatalf("after %s, the master still does not list exactly %v after 15 s:\n%s", event, remaining, last)
	}
	d.t.Logf("after %s, the master dropped the node between %s and %s", event, lo.Round(time.Millisecond), hi.Round(time.Millisecond))
	if hi > detectionBound {
		d.t.Errorf("after %s, detection took up to %s, over the %s bound", event, hi.Round(time.Millisecond), detectionBound)
	}
}
