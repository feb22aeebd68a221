package actors

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// SendsyncForwarder is the worker's node/worker/sendsync: it forwards its local daemons' requests
// for master daemons (authd enrollments, wazuh-db commands) with sendsync, and hands each one the
// master's answer (sendsyn_res / sendsyn_err) when it arrives. A request fails at once when
// the master is not connected (3023) and after SendsyncTimeout without an answer: a caller
// never hangs.
type SendsyncForwarder struct {
	kit      *Kit
	settings Settings
	master   *actor.PID
	log      *logrus.Entry

	seq     int
	pending map[string]*pendingForward
	sweeper timer
}

// ForwardSendsync asks the worker's sendsync actor to forward Body, the JSON
// {"daemon_name": ..., "message": ...}, and to answer on Reply.
type ForwardSendsync struct {
	Body  []byte
	Reply chan<- SendsyncAnswer
}

// SendsyncAnswer is the master daemon's answer, or why there is none.
type SendsyncAnswer struct {
	Data []byte
	Err  error
}

type pendingForward struct {
	reply    chan<- SendsyncAnswer
	deadline time.Time
}

// sendsyncTag marks the forwarder's own sendsync requests.
type sendsyncTag struct{ client string }

// sendsyncArrived is the master's sendsyn_res or sendsyn_err, relayed by the worker's handler.
type sendsyncArrived struct {
	client string
	data   []byte
	err    error
}

type sweepForwards struct{}

// NewSendsyncForwarder returns the producer of the worker's sendsync actor.
func NewSendsyncForwarder(kit *Kit, settings Settings, master *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &SendsyncForwarder{kit: kit, settings: settings, master: master, log: kit.Logger("Worker "+settings.NodeName, "SendSync")}
	}
}

// Receive implements actor.Actor.
func (f *SendsyncForwarder) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		f.pending = map[string]*pendingForward{}
	case *ForwardSendsync:
		f.forward(c, m)
	case *Response:
		tag, ok := m.Tag.(sendsyncTag)
		switch {
		case !ok || m.Err == nil:
		case isRequestTimeout(m.Err):
			// The master's "added to the queue" came late, not necessarily never: it may well
			// hold the request and answer it. Failing now would have the caller retry a request
			// the master carries out (an enrollment would then meet its own name, duplicated);
			// the wait stays bounded by the forwarder's own deadline.
			f.log.Debugf("No acknowledgement of %s within timeout_cluster_request; waiting for the answer.", tag.client)
		default:
			f.finish(tag.client, SendsyncAnswer{Err: unreachable(m.Err)})
		}
	case *sendsyncArrived:
		f.finish(m.client, SendsyncAnswer{Data: m.data, Err: m.err})
	case *masterLink:
		if !m.up {
			f.failAll(fmt.Errorf("%w: %w", ErrMasterUnreachable, messages.ErrWorkerNotConnected.New()))
		}
	case *sweepForwards:
		now := f.kit.Now()
		for client, p := range f.pending {
			if now.After(p.deadline) {
				f.finish(client, SendsyncAnswer{Err: ErrSendsyncTimeout})
			}
		}
		f.arm(c)
	case *actor.Restarting, *actor.Stopping:
		f.sweeper.stop()
		f.failAll(ErrShuttingDown)
	}
}

func (f *SendsyncForwarder) forward(c actor.Context, m *ForwardSendsync) {
	body, err := messages.ParseSendSyncBody(m.Body)
	if err != nil {
		m.Reply <- SendsyncAnswer{Err: err}
		return
	}
	f.seq++
	body.Client = "clusterd-" + strconv.Itoa(f.seq)
	f.pending[body.Client] = &pendingForward{reply: m.Reply, deadline: f.kit.Now().Add(f.settings.SendsyncTimeout)}
	c.Send(f.master, &SendRequest{Command: messages.CmdSendSync, Payload: body.Encode(), Tag: sendsyncTag{client: body.Client}, ReplyTo: c.Self()})
	f.arm(c)
}

func (f *SendsyncForwarder) arm(c actor.Context) {
	if len(f.pending) == 0 {
		f.sweeper.stop()
		return
	}
	f.sweeper.after(f.kit, time.Second, c.Self(), &sweepForwards{})
}

func (f *SendsyncForwarder) finish(client string, a SendsyncAnswer) {
	p, ok := f.pending[client]
	if !ok {
		return
	}
	delete(f.pending, client)
	p.reply <- a // buffered by the asker
}

func (f *SendsyncForwarder) failAll(err error) {
	for client := range f.pending {
		f.finish(client, SendsyncAnswer{Err: err})
	}
}

// isRequestTimeout reports Wazuh's 3020: a request sent whose answer did not come in time.
func isRequestTimeout(err error) bool {
	return errors.Is(err, messages.ErrRequestTimeout)
}

// unreachable keeps Wazuh's 3023 recognisable behind ErrMasterUnreachable.
func unreachable(err error) error {
	return fmt.Errorf("%w: %w", ErrMasterUnreachable, err)
}

// Forward sends one sendsync body through the worker's sendsync actor and waits for the
// master's answer, ctx, or the actor's own timeout.
func Forward(ctx context.Context, kit *Kit, body []byte) ([]byte, error) {
	worker := kit.Directory.Worker()
	if worker == nil {
		return nil, fmt.Errorf("%w: %w", ErrMasterUnreachable, errNoRole())
	}
	reply := make(chan SendsyncAnswer, 1)
	kit.System.Root.Send(worker.Sendsync, &ForwardSendsync{Body: body, Reply: reply})
	select {
	case a := <-reply:
		return a.Data, a.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("sendsync: %w", ctx.Err())
	}
}
