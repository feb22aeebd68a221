package actors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// FrameworkLauncher starts the process that runs the Wazuh manager's own Python framework
// (Wazuh mode): the Distributed API requests clusterd does not execute natively run there.
type FrameworkLauncher interface {
	// Launch starts a process and returns it once it is ready to take calls. A process not
	// ready when ctx ends is killed, and ctx is not used once Launch has returned.
	Launch(ctx context.Context) (FrameworkProcess, error)
}

// FrameworkProcess is one running framework process. The framework actor writes from one
// goroutine and reads from another; Kill and Close may be called from any goroutine, any
// number of times.
type FrameworkProcess interface {
	// Send writes a call (body) or, with cancel, says the caller stopped waiting for call id.
	Send(id uint64, body []byte, cancel bool) error
	// Next reads the next answer: the call it answers and the answer as the process decoded it.
	// io.EOF says the process closed its output; another error, that it broke the protocol.
	Next() (id uint64, answer any, err error)
	// Close asks the process to finish (the end of its input): it exits once it has.
	Close()
	// Kill ends the process and every process it started, at once.
	Kill()
	// Wait returns once the process has exited (and Next returned an error), with how it ended.
	Wait() error
	// PID is the process id, for the logs.
	PID() int
}

// Errors a framework call ends with when the process does not answer it.
var (
	// ErrFrameworkDown refuses a call while no process runs (it is being restarted after
	// failing, or the node is stopping).
	ErrFrameworkDown = errors.New("the framework's process is not running")
	// ErrFrameworkDied ends the calls the process was running when it ended.
	ErrFrameworkDied = errors.New("the framework's process ended during the call")
	// ErrFrameworkBusy refuses a call beyond FrameworkOptions.MaxCalls.
	ErrFrameworkBusy = errors.New("too many calls to the framework's process")
)

// FrameworkError is one of the errors above (Kind) with its reason: how the process ended, or
// why it is not running.
type FrameworkError struct {
	Kind   error
	Reason string
}

func (e *FrameworkError) Error() string {
	if e.Reason == "" {
		return e.Kind.Error()
	}
	return e.Kind.Error() + ": " + e.Reason
}

func (e *FrameworkError) Unwrap() error { return e.Kind }

// FrameworkOptions shape the framework actor; zero values take the defaults.
type FrameworkOptions struct {
	StartTimeout time.Duration // until a new process is ready (2 min: the framework imports slowly)
	StopGrace    time.Duration // between Close and Kill when the actor stops (5 s)
	BackoffBase  time.Duration // the wait before the first restart, doubled for each failure in a row (250 ms)
	BackoffCap   time.Duration // the longest wait between two starts (1 min)
	StableAfter  time.Duration // a process that lived this long ends a run of failures (1 min)
	ReportAfter  int           // failures in a row that are reported as an error (5)
	MaxCalls     int           // calls running and waiting for a start, together (256)
}

func (o FrameworkOptions) withDefaults() FrameworkOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.StartTimeout, 2*time.Minute)
	def(&o.StopGrace, 5*time.Second)
	def(&o.BackoffBase, 250*time.Millisecond)
	def(&o.BackoffCap, time.Minute)
	def(&o.StableAfter, time.Minute)
	if o.ReportAfter <= 0 {
		o.ReportAfter = 5
	}
	if o.MaxCalls <= 0 {
		o.MaxCalls = 256
	}
	return o
}

// frameworkState is where the actor is with its process.
type frameworkState int

const (
	frameworkStarting frameworkState = iota // a launch runs: calls wait for it
	frameworkReady                          // calls go to the process
	frameworkWaiting                        // the process failed; a restart is scheduled: calls are refused
	frameworkStopped                        // the actor is stopping: calls are refused
)

// Framework is node/framework, in Wazuh mode: it owns the process that runs the manager's
// Python framework. It starts it in Started, starts it again when it ends (after a backoff
// that doubles while it keeps failing; a run of failures is reported once), and on Stopping
// closes its input and kills it when it has not exited within StopGrace. Calls come from
// FrameworkClient (the DAPI executor, outside any actor): each is written to the process by a
// writer goroutine, and answered when its answer comes back through the reader goroutine. A
// call the process was running when it ended is answered ErrFrameworkDied, a call while no
// process runs ErrFrameworkDown (calls that arrive during a start wait for it): none is left
// waiting.
type Framework struct {
	kit      *Kit
	launcher FrameworkLauncher
	opts     FrameworkOptions
	log      *logrus.Entry

	work     *offload
	state    frameworkState
	gen      uint64        // the current launch, and the process it started
	run      *frameworkRun // the process, while ready
	readyAt  time.Time
	pending  map[uint64]*FrameworkCall // sent to the process, not answered yet
	waiting  []*FrameworkCall          // taken while starting
	failures int                       // in a row
	reported bool                      // this run of failures was reported
	lastErr  string
	restart  timer
}

// FrameworkCall asks node/framework to run Body in the framework's process (FrameworkClient).
type FrameworkCall struct {
	ID    uint64
	Body  []byte
	reply chan frameworkOutcome // buffered: one outcome, never blocks the actor
}

type frameworkOutcome struct {
	answer any
	err    error
}

func (c *FrameworkCall) answer(o frameworkOutcome) {
	select {
	case c.reply <- o:
	default:
	}
}

func (c *FrameworkCall) fail(kind error, reason string) {
	c.answer(frameworkOutcome{err: &FrameworkError{Kind: kind, Reason: reason}})
}

// frameworkAccepted acknowledges a call: a call sent while the actor is not alive comes back
// as a dead letter instead, and fails at once.
type frameworkAccepted struct{}

type frameworkCancel struct{ id uint64 }

// frameworkLaunched is the end of a launch; dropped when the actor stopped meanwhile, it kills
// the process it started.
type frameworkLaunched struct {
	gen  uint64
	proc FrameworkProcess
	err  error
}

func (m *frameworkLaunched) discard() {
	if m.proc != nil {
		m.proc.Kill()
		_ = m.proc.Wait()
	}
}

type frameworkAnswer struct {
	gen, id uint64
	answer  any
}

type frameworkExited struct {
	gen uint64
	err error // why: the protocol error, or how the process ended (nil: exit status 0)
}

type frameworkRestart struct{ gen uint64 }

// FrameworkStatusQuery asks node/framework how its process is; it answers *FrameworkStatus.
type FrameworkStatusQuery struct{}

// FrameworkStatus is how node/framework's process is.
type FrameworkStatus struct {
	Ready     bool   // a process takes calls
	PID       int    // its process id, 0 when none is ready
	Starts    int    // launches so far (the first one included)
	Failures  int    // failures in a row
	Failing   bool   // the failures were reported: the process keeps failing
	LastError string // how the last process ended, or why the last launch failed
	InFlight  int    // calls sent to the process and not answered
}

// frameworkRun is one ready process and its writer's queue.
type frameworkRun struct {
	proc   FrameworkProcess
	writes chan frameworkWrite
}

type frameworkWrite struct {
	id     uint64
	body   []byte
	cancel bool
}

// NewFramework returns the producer of node/framework.
func NewFramework(kit *Kit, launcher FrameworkLauncher, opts FrameworkOptions) actor.Producer {
	opts = opts.withDefaults()
	return func() actor.Actor {
		return &Framework{kit: kit, launcher: launcher, opts: opts, log: kit.Logger("Cluster", "Framework")}
	}
}

// Receive implements actor.Actor.
func (f *Framework) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		f.work = newOffload(f.kit)
		f.pending = map[uint64]*FrameworkCall{}
		f.start(c)
	case *FrameworkCall:
		if c.Sender() != nil {
			c.Respond(frameworkAccepted{})
		}
		f.call(m)
	case *frameworkCancel:
		f.cancel(m.id)
	case *frameworkLaunched:
		f.launched(c, m)
	case *frameworkAnswer:
		if call, ok := f.pending[m.id]; ok && m.gen == f.gen {
			delete(f.pending, m.id)
			call.answer(frameworkOutcome{answer: m.answer})
		}
	case *frameworkExited:
		if m.gen == f.gen && f.state == frameworkReady {
			f.exited(c, m)
		}
	case *frameworkRestart:
		if m.gen == f.gen && f.state == frameworkWaiting {
			f.start(c)
		}
	case *FrameworkStatusQuery:
		c.Respond(f.status())
	case *actor.Restarting, *actor.Stopping:
		f.stop()
	}
}

// start launches a process, off the mailbox.
func (f *Framework) start(c actor.Context) {
	f.gen++
	f.state = frameworkStarting
	gen, launcher := f.gen, f.launcher
	f.work.Run(c, f.opts.StartTimeout, func(ctx context.Context) any {
		proc, err := launcher.Launch(ctx)
		return &frameworkLaunched{gen: gen, proc: proc, err: err}
	})
}

func (f *Framework) launched(c actor.Context, m *frameworkLaunched) {
	if m.gen != f.gen || f.state != frameworkStarting {
		f.kit.Go(m.discard) // killing is quick, waiting for the exit is not
		return
	}
	if m.err != nil {
		f.failed(c, fmt.Sprintf("could not start it: %v", m.err), 0)
		return
	}
	f.run = f.watch(c, m.gen, m.proc)
	f.state = frameworkReady
	f.readyAt = f.kit.Now()
	f.log.Infof("The Wazuh framework runs in process %d.", m.proc.PID())
	waiting := f.waiting
	f.waiting = nil
	for _, call := range waiting {
		f.send(call)
	}
}

// watch starts the goroutines of one process: the writer, the reader (which then waits for
// the process to exit and reports it), and the stopper, which closes the process when the
// actor stops and kills it after StopGrace.
func (f *Framework) watch(c actor.Context, gen uint64, proc FrameworkProcess) *frameworkRun {
	run := &frameworkRun{proc: proc, writes: make(chan frameworkWrite, 2*f.opts.MaxCalls)}
	actorCtx := f.work.ctx
	ctx, cancel := context.WithCancel(actorCtx)
	root, self, grace := f.kit.System.Root, c.Self(), f.opts.StopGrace
	exited := make(chan struct{})
	tell := func(msg any) {
		if actorCtx.Err() == nil {
			root.Send(self, msg)
		}
	}
	f.kit.Go(func() {
		for {
			select {
			case w := <-run.writes:
				if err := proc.Send(w.id, w.body, w.cancel); err != nil {
					proc.Kill()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	})
	f.kit.Go(func() {
		var why error
		for {
			id, answer, err := proc.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					why = err
					proc.Kill()
				}
				break
			}
			tell(&frameworkAnswer{gen: gen, id: id, answer: answer})
		}
		if err := proc.Wait(); why == nil {
			why = err
		}
		close(exited)
		cancel()
		tell(&frameworkExited{gen: gen, err: why})
	})
	f.kit.Go(func() {
		select {
		case <-exited:
			return
		case <-actorCtx.Done():
		}
		proc.Close()
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-exited:
		case <-t.C:
			proc.Kill()
		}
	})
	return run
}

func (f *Framework) call(m *FrameworkCall) {
	switch f.state {
	case frameworkReady:
		f.send(m)
	case frameworkStarting:
		if len(f.waiting)+len(f.pending) >= f.opts.MaxCalls {
			m.fail(ErrFrameworkBusy, fmt.Sprintf("%d calls waiting", len(f.waiting)))
			return
		}
		f.waiting = append(f.waiting, m)
	case frameworkWaiting:
		m.fail(ErrFrameworkDown, f.lastErr)
	default:
		m.fail(ErrFrameworkDown, ErrShuttingDown.Error())
	}
}

// send hands a call to the writer.
func (f *Framework) send(m *FrameworkCall) {
	if len(f.pending) >= f.opts.MaxCalls {
		m.fail(ErrFrameworkBusy, fmt.Sprintf("%d calls running", len(f.pending)))
		return
	}
	select {
	case f.run.writes <- frameworkWrite{id: m.ID, body: m.Body}:
		f.pending[m.ID] = m
	default:
		m.fail(ErrFrameworkBusy, "the writer's queue is full")
	}
}

func (f *Framework) cancel(id uint64) {
	if _, ok := f.pending[id]; ok {
		delete(f.pending, id)
		select {
		case f.run.writes <- frameworkWrite{id: id, cancel: true}:
		default: // the process answers it anyway; the answer is dropped
		}
		return
	}
	for i, call := range f.waiting {
		if call.ID == id {
			f.waiting = append(f.waiting[:i], f.waiting[i+1:]...)
			return
		}
	}
}

// exited answers the calls the process was running and schedules its restart.
func (f *Framework) exited(c actor.Context, m *frameworkExited) {
	reason := "it exited"
	if m.err != nil {
		reason = m.err.Error()
	}
	pid := f.run.proc.PID()
	f.run = nil
	if n := len(f.pending); n > 0 {
		f.log.Errorf("The Wazuh framework's process %d ended (%s) while running %d requests; they are answered with an error.", pid, reason, n)
	}
	reason = fmt.Sprintf("process %d ended: %s", pid, reason)
	for id, call := range f.pending {
		call.fail(ErrFrameworkDied, reason)
		delete(f.pending, id)
	}
	f.failed(c, reason, f.kit.Now().Sub(f.readyAt))
}

// failed refuses the calls waiting for a start and schedules the next start, after a backoff
// that doubles with each failure in a row; a run of ReportAfter failures is logged as an
// error once, the others as warnings.
func (f *Framework) failed(c actor.Context, reason string, lived time.Duration) {
	if lived >= f.opts.StableAfter {
		f.failures, f.reported = 0, false
	}
	f.failures++
	f.lastErr = reason
	f.state = frameworkWaiting
	for _, call := range f.waiting {
		call.fail(ErrFrameworkDown, reason)
	}
	f.waiting = nil
	delay := f.opts.BackoffCap
	if f.failures <= 30 {
		delay = min(f.opts.BackoffBase<<(f.failures-1), f.opts.BackoffCap)
	}
	switch {
	case f.failures >= f.opts.ReportAfter && !f.reported:
		f.reported = true
		f.log.Errorf("The Wazuh framework keeps failing (%d times in a row; last: %s). The Distributed API requests clusterd does not execute itself are refused until it runs; next start in %s, then at most every %s.",
			f.failures, reason, delay, f.opts.BackoffCap)
	case f.reported:
		f.log.Debugf("The Wazuh framework failed again (%s); next start in %s.", reason, delay)
	default:
		f.log.Warnf("The Wazuh framework failed (%s); starting it again in %s.", reason, delay)
	}
	f.restart.after(f.kit, delay, c.Self(), &frameworkRestart{gen: f.gen})
}

func (f *Framework) stop() {
	f.state = frameworkStopped
	f.restart.stop()
	for id, call := range f.pending {
		call.fail(ErrFrameworkDown, ErrShuttingDown.Error())
		delete(f.pending, id)
	}
	for _, call := range f.waiting {
		call.fail(ErrFrameworkDown, ErrShuttingDown.Error())
	}
	f.waiting = nil
	f.work.stop()
}

func (f *Framework) status() *FrameworkStatus {
	s := &FrameworkStatus{Ready: f.state == frameworkReady, Starts: int(f.gen), Failures: f.failures,
		Failing: f.reported, LastError: f.lastErr, InFlight: len(f.pending)}
	if f.run != nil {
		s.PID = f.run.proc.PID()
	}
	return s
}

// frameworkAcceptTimeout bounds the wait for node/framework to take a call: its mailbox is
// never held up, so only a stopped actor makes it run out (a dead letter usually answers
// first).
const frameworkAcceptTimeout = 5 * time.Second

// FrameworkClient sends calls to node/framework from outside any actor (the DAPI executor).
type FrameworkClient struct {
	root *actor.RootContext
	pid  *actor.PID
	next atomic.Uint64
}

// NewFrameworkClient returns a client of the kit's node/framework.
func NewFrameworkClient(kit *Kit) *FrameworkClient {
	return &FrameworkClient{root: kit.System.Root, pid: kit.System.NewLocalPID(Path(NameFramework))}
}

// Call runs body in the framework's process and returns its answer, as the process decoded
// it. It returns ctx's error when ctx ends first (the process is told to cancel the call), an
// error wrapping ErrFrameworkDown, ErrFrameworkDied or ErrFrameworkBusy when the process does
// not answer it.
func (fc *FrameworkClient) Call(ctx context.Context, body []byte) (any, error) {
	call := &FrameworkCall{ID: fc.next.Add(1), Body: body, reply: make(chan frameworkOutcome, 1)}
	if _, err := fc.root.RequestFuture(fc.pid, call, frameworkAcceptTimeout).Result(); err != nil {
		return nil, &FrameworkError{Kind: ErrFrameworkDown, Reason: err.Error()}
	}
	select {
	case o := <-call.reply:
		return o.answer, o.err
	case <-ctx.Done():
		fc.root.Send(fc.pid, &frameworkCancel{id: call.ID})
		return nil, ctx.Err()
	}
}

// Status asks node/framework how its process is.
func (fc *FrameworkClient) Status(timeout time.Duration) (*FrameworkStatus, error) {
	res, err := fc.root.RequestFuture(fc.pid, &FrameworkStatusQuery{}, timeout).Result()
	if err != nil {
		return nil, err
	}
	s, ok := res.(*FrameworkStatus)
	if !ok {
		return nil, fmt.Errorf("framework status: unexpected answer %T", res)
	}
	return s, nil
}
