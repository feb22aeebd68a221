package pyframework

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/node/logging"
	"github.com/clusterd/clusterd/node/nodetest/standin"
)

// waitTimeout bounds what the tests wait for: a Python process starting on a loaded machine.
const waitTimeout = 30 * time.Second

// python3 is the interpreter that stands in for the manager's: the system's python3. A
// machine without one skips the tests that need it.
func python3(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the framework's process cannot be tested here")
	}
	return path
}

// stubHome is a manager home for the stand-in framework (testdata/stub): logs/, and the basic
// daemons running (their pid files name this test process) unless down.
func stubHome(t testing.TB, down bool) string {
	t.Helper()
	home := t.TempDir()
	for _, dir := range []string{"logs", filepath.Join("var", "run")} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	if !down {
		for _, d := range []string{"wazuh-modulesd", "wazuh-analysisd", "wazuh-execd", "wazuh-db", "wazuh-remoted"} {
			name := filepath.Join(home, "var", "run", fmt.Sprintf("%s-%d.pid", d, os.Getpid()))
			if err := os.WriteFile(name, []byte(fmt.Sprint(os.Getpid())), 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	return home
}

// stubOptions runs the stand-in framework (standin.WriteFramework) with the system's python3
// at home.
func stubOptions(t testing.TB, home string, env ...string) Options {
	t.Helper()
	py := python3(t)
	dir := t.TempDir()
	if err := standin.WriteFramework(dir); err != nil {
		t.Fatal(err)
	}
	return Options{Home: home, Interpreter: py, Path: []string{dir},
		Env: append(standin.FrameworkEnv(home, "master-node", "master"), env...)}
}

// logLines collects what the process logged.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Levels() []logrus.Level { return logrus.AllLevels }

func (l *logLines) Fire(e *logrus.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s [%v] [%v] %s", e.Level, e.Data[logging.FieldTag], e.Data[logging.FieldSubtag], e.Message))
	return nil
}

func (l *logLines) contains(part string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, part) {
			return true
		}
	}
	return false
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// framework is node/framework running the stand-in, and the executor over it.
type framework struct {
	kit    *actors.Kit
	client *actors.FrameworkClient
	exec   *Executor
	logs   *logLines
	stop   func()
}

// startFramework spawns node/framework with opts (its log lines collected) and stops it, and
// checks that nothing is left running, when the test ends.
func startFramework(t testing.TB, opts Options, fopts actors.FrameworkOptions) *framework {
	t.Helper()
	logs := &logLines{}
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	logger.SetLevel(logrus.DebugLevel)
	logger.AddHook(logs)
	opts.Log = logrus.NewEntry(logger)
	kit := actors.NewKit(opts.Log, 1, actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(logging.NewSlogHandler(logging.Discard()))
	}))
	pid, err := actors.SpawnSupervisor(kit, kit.System.Root, actors.RootName, opts.Log,
		actors.ChildSpec{Name: actors.NameFramework, Producer: actors.NewFramework(kit, NewLauncher(opts), fopts)})
	if err != nil {
		t.Fatal(err)
	}
	client := actors.NewFrameworkClient(kit)
	var once sync.Once
	f := &framework{kit: kit, client: client, exec: NewExecutor(client), logs: logs}
	f.stop = func() {
		once.Do(func() {
			_ = kit.System.Root.StopFuture(pid).Wait()
			if !kit.Wait(waitTimeout) {
				t.Error("node/framework left goroutines or processes running")
			}
			kit.System.Shutdown()
		})
	}
	t.Cleanup(f.stop)
	return f
}

// ready waits until the process of start number starts is ready, and returns its status.
func (f *framework) ready(t testing.TB, starts int) *actors.FrameworkStatus {
	t.Helper()
	var s *actors.FrameworkStatus
	poll.Until(t, waitTimeout, fmt.Sprintf("the framework's process (start %d) ready", starts), func() bool {
		var err error
		s, err = f.client.Status(time.Second)
		return err == nil && s.Ready && s.Starts == starts
	})
	return s
}

// request decodes a DAPI request for f with the given keyword arguments (JSON) and fields.
func request(t testing.TB, module, qualname, kwargs string, extra string) *dapi.Request {
	t.Helper()
	text := fmt.Sprintf(`{"f": {"__callable__": {"__name__": %q, "__module__": %q, "__qualname__": %q, "__type__": "function"}}, "f_kwargs": %s, "request_type": "local_master"%s}`,
		qualname[strings.LastIndex(qualname, ".")+1:], module, qualname, kwargs, extra)
	req, err := dapi.DecodeRequest([]byte(text))
	if err != nil {
		t.Fatalf("decode %s: %v", text, err)
	}
	return req
}

// outcome is what an Execute ended with.
type outcome struct {
	res dapi.Result
	err error
}

func (f *framework) executeAsync(ctx context.Context, req *dapi.Request) chan outcome {
	out := make(chan outcome, 1)
	go func() {
		res, err := f.exec.Execute(ctx, req)
		out <- outcome{res: res, err: err}
	}()
	return out
}

func wait(t testing.TB, ch chan outcome) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(waitTimeout):
		t.Fatal("the request was not answered")
	}
	return outcome{}
}

// text is a result as it travels.
func text(r dapi.Result) string {
	if r == nil {
		return "<nil>"
	}
	return string(dapi.EncodeResult(r))
}

// actorsDefaults are node/framework's options in these tests: quick restarts.
func actorsDefaults() actors.FrameworkOptions {
	return actors.FrameworkOptions{BackoffBase: 50 * time.Millisecond, StopGrace: 5 * time.Second}
}
