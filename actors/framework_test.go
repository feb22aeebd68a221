package actors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages/poll"
)

// fakeProcess is a framework process in memory: the test reads what was sent and decides the
// answers and the end.
type fakeProcess struct {
	pid     int
	sent    chan fakeSent
	answers chan fakeAnswer
	done    chan struct{}
	once    sync.Once
	exitErr error

	closed, killed atomic.Bool
	exitOnClose    bool
}

type fakeSent struct {
	id     uint64
	body   string
	cancel bool
}

type fakeAnswer struct {
	id     uint64
	answer any
	err    error
}

func newFakeProcess(pid int) *fakeProcess {
	return &fakeProcess{pid: pid, sent: make(chan fakeSent, 64), answers: make(chan fakeAnswer, 64),
		done: make(chan struct{}), exitOnClose: true}
}

func (p *fakeProcess) exit(err error) {
	p.once.Do(func() {
		p.exitErr = err
		close(p.done)
	})
}

func (p *fakeProcess) Send(id uint64, body []byte, cancel bool) error {
	select {
	case <-p.done:
		return errors.New("broken pipe")
	case p.sent <- fakeSent{id: id, body: string(body), cancel: cancel}:
		return nil
	}
}

func (p *fakeProcess) Next() (uint64, any, error) {
	select {
	case a := <-p.answers:
		if a.err != nil {
			return 0, nil, a.err
		}
		return a.id, a.answer, nil
	case <-p.done:
		return 0, nil, io.EOF
	}
}

func (p *fakeProcess) Close() {
	p.closed.Store(true)
	if p.exitOnClose {
		p.exit(nil)
	}
}

func (p *fakeProcess) Kill() {
	p.killed.Store(true)
	p.exit(errors.New("signal: killed"))
}

func (p *fakeProcess) Wait() error {
	<-p.done
	return p.exitErr
}

func (p *fakeProcess) PID() int { return p.pid }

// fakeLauncher hands out fake processes, or fails, as the test says.
type fakeLauncher struct {
	mu       sync.Mutex
	procs    []*fakeProcess
	launches []time.Time
	fail     error
	gate     chan struct{} // when set, a launch waits for it
	prepare  func(*fakeProcess)
}

func (l *fakeLauncher) Launch(ctx context.Context) (FrameworkProcess, error) {
	l.mu.Lock()
	l.launches = append(l.launches, time.Now())
	gate, fail := l.gate, l.fail
	l.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail != nil {
		return nil, fail
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p := newFakeProcess(1000 + len(l.procs))
	if l.prepare != nil {
		l.prepare(p)
	}
	l.procs = append(l.procs, p)
	return p, nil
}

func (l *fakeLauncher) process(i int) *fakeProcess {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < len(l.procs) {
		return l.procs[i]
	}
	return nil
}

func (l *fakeLauncher) launchTimes() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.launches...)
}

// spawnFramework runs node/framework over launcher until the test ends; it returns the client
// and a function that stops the actor and waits for its goroutines.
func spawnFramework(t *testing.T, launcher FrameworkLauncher, opts FrameworkOptions) (*FrameworkClient, func()) {
	t.Helper()
	k := newTestKit(t)
	root, err := SpawnSupervisor(k, k.System.Root, RootName, k.Log, ChildSpec{Name: NameFramework, Producer: NewFramework(k, launcher, opts)})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = k.System.Root.StopFuture(root).Wait()
			if !k.Wait(waitTimeout) {
				t.Error("the framework actor left goroutines running")
			}
		})
	}
	t.Cleanup(stop)
	return NewFrameworkClient(k), stop
}

func waitReady(t *testing.T, c *FrameworkClient, starts int) *FrameworkStatus {
	t.Helper()
	var s *FrameworkStatus
	poll.Until(t, waitTimeout, fmt.Sprintf("start %d ready", starts), func() bool {
		var err error
		s, err = c.Status(time.Second)
		return err == nil && s.Ready && s.Starts == starts
	})
	return s
}

// callAsync runs a call on its own goroutine; the channel gets its outcome.
func callAsync(ctx context.Context, c *FrameworkClient, body string) chan fakeAnswer {
	out := make(chan fakeAnswer, 1)
	go func() {
		answer, err := c.Call(ctx, []byte(body))
		out <- fakeAnswer{answer: answer, err: err}
	}()
	return out
}

func receiveSent(t *testing.T, p *fakeProcess) fakeSent {
	t.Helper()
	select {
	case s := <-p.sent:
		return s
	case <-time.After(waitTimeout):
		t.Fatal("nothing was sent to the process")
	}
	return fakeSent{}
}

func outcome(t *testing.T, ch chan fakeAnswer) fakeAnswer {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(waitTimeout):
		t.Fatal("the call was not answered")
	}
	return fakeAnswer{}
}

func TestFrameworkCallsAreAnsweredByTheirOwnAnswers(t *testing.T) {
	l := &fakeLauncher{}
	c, _ := spawnFramework(t, l, FrameworkOptions{})
	waitReady(t, c, 1)
	p := l.process(0)

	first := callAsync(context.Background(), c, "slow")
	slow := receiveSent(t, p)
	second := callAsync(context.Background(), c, "fast")
	fast := receiveSent(t, p)
	if slow.body != "slow" || fast.body != "fast" || slow.id == fast.id {
		t.Fatalf("sent %+v and %+v", slow, fast)
	}
	// The later call is answered first; each caller gets its own answer.
	p.answers <- fakeAnswer{id: fast.id, answer: "fast answer"}
	if o := outcome(t, second); o.err != nil || o.answer != "fast answer" {
		t.Fatalf("fast call: %+v", o)
	}
	select {
	case o := <-first:
		t.Fatalf("the slow call was answered before its answer came: %+v", o)
	default:
	}
	p.answers <- fakeAnswer{id: slow.id, answer: "slow answer"}
	if o := outcome(t, first); o.err != nil || o.answer != "slow answer" {
		t.Fatalf("slow call: %+v", o)
	}
}

func TestFrameworkProcessEndingAnswersTheCallsInFlightAndStartsAnother(t *testing.T) {
	l := &fakeLauncher{}
	c, _ := spawnFramework(t, l, FrameworkOptions{BackoffBase: time.Millisecond})
	waitReady(t, c, 1)
	p := l.process(0)

	inFlight := callAsync(context.Background(), c, "request")
	receiveSent(t, p)
	p.exit(errors.New("signal: killed"))
	o := outcome(t, inFlight)
	if !errors.Is(o.err, ErrFrameworkDied) || o.err.Error() != "the framework's process ended during the call: process 1000 ended: signal: killed" {
		t.Fatalf("call in flight: %+v", o)
	}

	s := waitReady(t, c, 2)
	if s.Failures != 1 || s.LastError != "process 1000 ended: signal: killed" || s.PID != 1001 {
		t.Fatalf("status after the restart: %+v", s)
	}
	next := callAsync(context.Background(), c, "next")
	sent := receiveSent(t, l.process(1))
	l.process(1).answers <- fakeAnswer{id: sent.id, answer: "served"}
	if o := outcome(t, next); o.err != nil || o.answer != "served" {
		t.Fatalf("call to the restarted process: %+v", o)
	}
}

func TestFrameworkProcessBreakingTheProtocolIsKilledAndReplaced(t *testing.T) {
	l := &fakeLauncher{}
	c, _ := spawnFramework(t, l, FrameworkOptions{BackoffBase: time.Millisecond})
	waitReady(t, c, 1)
	p := l.process(0)
	inFlight := callAsync(context.Background(), c, "request")
	receiveSent(t, p)
	p.answers <- fakeAnswer{err: errors.New("an answer of 4294967295 bytes")}
	o := outcome(t, inFlight)
	if !errors.Is(o.err, ErrFrameworkDied) || o.err.Error() != "the framework's process ended during the call: process 1000 ended: an answer of 4294967295 bytes" {
		t.Fatalf("call in flight: %+v", o)
	}
	if !p.killed.Load() {
		t.Fatal("the process that broke the protocol was not killed")
	}
	waitReady(t, c, 2)
}

func TestFrameworkThatKeepsFailingIsReportedAndStartedLessAndLessOften(t *testing.T) {
	l := &fakeLauncher{fail: errors.New("exec: no such file")}
	base := 20 * time.Millisecond
	c, _ := spawnFramework(t, l, FrameworkOptions{BackoffBase: base, BackoffCap: 160 * time.Millisecond, ReportAfter: 3})
	var s *FrameworkStatus
	poll.Until(t, waitTimeout, "the failures reported", func() bool {
		var err error
		s, err = c.Status(time.Second)
		return err == nil && s.Failing
	})
	if s.Ready || s.Failures < 3 || s.LastError != "could not start it: exec: no such file" {
		t.Fatalf("status: %+v", s)
	}
	// A call while no process runs is refused at once, with the reason.
	start := time.Now()
	_, err := c.Call(context.Background(), []byte("request"))
	if !errors.Is(err, ErrFrameworkDown) || err.Error() != "the framework's process is not running: could not start it: exec: no such file" {
		t.Fatalf("call while down: %v", err)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("the refusal took %s", waited)
	}
	// The starts back off: each wait is at least twice the one before, up to the cap.
	poll.Until(t, waitTimeout, "six launches", func() bool { return len(l.launchTimes()) >= 6 })
	times := l.launchTimes()
	for i := 1; i < 6; i++ {
		want := min(base<<(i-1), 160*time.Millisecond)
		if gap := times[i].Sub(times[i-1]); gap < want {
			t.Errorf("launch %d came %s after the one before, want at least %s", i+1, gap, want)
		}
	}
}

func TestFrameworkCallsDuringAStartWaitForIt(t *testing.T) {
	gate := make(chan struct{})
	l := &fakeLauncher{gate: gate}
	c, _ := spawnFramework(t, l, FrameworkOptions{})
	poll.Until(t, waitTimeout, "the launch under way", func() bool { return len(l.launchTimes()) == 1 })
	waiting := callAsync(context.Background(), c, "early")
	select {
	case o := <-waiting:
		t.Fatalf("answered before the process started: %+v", o)
	case <-time.After(20 * time.Millisecond):
	}
	close(gate)
	waitReady(t, c, 1)
	sent := receiveSent(t, l.process(0))
	if sent.body != "early" {
		t.Fatalf("sent %+v", sent)
	}
	l.process(0).answers <- fakeAnswer{id: sent.id, answer: "late"}
	if o := outcome(t, waiting); o.err != nil || o.answer != "late" {
		t.Fatalf("waiting call: %+v", o)
	}
}

func TestFrameworkCallEndingWithItsContextCancelsItInTheProcess(t *testing.T) {
	l := &fakeLauncher{}
	c, _ := spawnFramework(t, l, FrameworkOptions{})
	waitReady(t, c, 1)
	p := l.process(0)
	ctx, cancel := context.WithCancel(context.Background())
	call := callAsync(ctx, c, "request")
	sent := receiveSent(t, p)
	cancel()
	if o := outcome(t, call); !errors.Is(o.err, context.Canceled) {
		t.Fatalf("cancelled call: %+v", o)
	}
	if got := receiveSent(t, p); !got.cancel || got.id != sent.id {
		t.Fatalf("the process was sent %+v, want the cancellation of call %d", got, sent.id)
	}
	// Its late answer goes nowhere, and the process serves the next call.
	p.answers <- fakeAnswer{id: sent.id, answer: "late"}
	next := callAsync(context.Background(), c, "next")
	again := receiveSent(t, p)
	p.answers <- fakeAnswer{id: again.id, answer: "next answer"}
	if o := outcome(t, next); o.err != nil || o.answer != "next answer" {
		t.Fatalf("next call: %+v", o)
	}
}

func TestFrameworkCallsBeyondTheBoundAreRefused(t *testing.T) {
	l := &fakeLauncher{}
	c, _ := spawnFramework(t, l, FrameworkOptions{MaxCalls: 2})
	waitReady(t, c, 1)
	p := l.process(0)
	a, b := callAsync(context.Background(), c, "a"), callAsync(context.Background(), c, "b")
	receiveSent(t, p)
	receiveSent(t, p)
	if _, err := c.Call(context.Background(), []byte("c")); !errors.Is(err, ErrFrameworkBusy) {
		t.Fatalf("third call: %v", err)
	}
	p.exit(errors.New("exit status 1"))
	for _, ch := range []chan fakeAnswer{a, b} {
		if o := outcome(t, ch); !errors.Is(o.err, ErrFrameworkDied) {
			t.Fatalf("call in flight: %+v", o)
		}
	}
}

func TestFrameworkStopClosesTheProcessThenKillsIt(t *testing.T) {
	for _, obeys := range []bool{true, false} {
		t.Run(fmt.Sprintf("exits on close: %v", obeys), func(t *testing.T) {
			l := &fakeLauncher{prepare: func(p *fakeProcess) { p.exitOnClose = obeys }}
			c, stop := spawnFramework(t, l, FrameworkOptions{StopGrace: 50 * time.Millisecond})
			waitReady(t, c, 1)
			p := l.process(0)
			call := callAsync(context.Background(), c, "request")
			receiveSent(t, p)
			stop()
			if !p.closed.Load() {
				t.Fatal("the process was not asked to finish")
			}
			if p.killed.Load() == obeys {
				t.Fatalf("killed: %v, for a process that exits on close: %v", p.killed.Load(), obeys)
			}
			if o := outcome(t, call); !errors.Is(o.err, ErrFrameworkDown) {
				t.Fatalf("call in flight at the stop: %+v", o)
			}
		})
	}
}

func TestFrameworkCallWithoutTheActorFailsAtOnce(t *testing.T) {
	k := newTestKit(t)
	start := time.Now()
	_, err := NewFrameworkClient(k).Call(context.Background(), []byte("request"))
	if !errors.Is(err, ErrFrameworkDown) {
		t.Fatalf("call: %v", err)
	}
	if waited := time.Since(start); waited >= frameworkAcceptTimeout {
		t.Fatalf("the refusal took %s", waited)
	}
}

func TestFrameworkLaunchThatEndsAfterTheStopKillsItsProcess(t *testing.T) {
	gate := make(chan struct{})
	l := &fakeLauncher{gate: gate}
	k := newTestKit(t)
	pid, err := k.Spawn(k.System.Root, NameFramework, NewFramework(k, l, FrameworkOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	poll.Until(t, waitTimeout, "the launch under way", func() bool { return len(l.launchTimes()) == 1 })
	stopped := k.System.Root.StopFuture(pid)
	if err := stopped.Wait(); err != nil {
		t.Fatal(err)
	}
	close(gate) // the launch's context ended: it gives up
	if !k.Wait(waitTimeout) {
		t.Fatal("goroutines left running")
	}
	if p := l.process(0); p != nil && !p.killed.Load() {
		t.Fatal("a process started after the stop was left running")
	}
	var _ actor.Actor = (*Framework)(nil)
}
