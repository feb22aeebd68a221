package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// sendsyncWorkers is how many sendsync requests the master serves at once; the rest wait in the
// queue, in arrival order.
const sendsyncWorkers = 4

// SendsyncQueue is the master's node/sendsync: the queue of worker requests for the master's
// daemons (§11). Each request runs on its own goroutine (at most sendsyncWorkers at a time):
// the daemon's answer goes back to the worker as a long string named by sendsyn_res, or as
// sendsyn_err with the error text.
type SendsyncQueue struct {
	kit      *Kit
	settings Settings
	log      *logrus.Entry

	queue   []*sendsyncJob
	running int
	ctx     context.Context
	cancel  context.CancelFunc
}

// sendsyncJob is one worker request taken off the wire by its handler.
type sendsyncJob struct {
	handler *actor.PID
	worker  string
	req     messages.SendSync
}

// sendsyncJobDone frees a slot.
type sendsyncJobDone struct{}

// NewSendsyncQueue returns the producer of the master's sendsync actor.
func NewSendsyncQueue(kit *Kit, settings Settings) actor.Producer {
	return func() actor.Actor {
		return &SendsyncQueue{kit: kit, settings: settings, log: kit.Logger("Master", "SendSync")}
	}
}

// Receive implements actor.Actor.
func (q *SendsyncQueue) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		q.ctx, q.cancel = context.WithCancel(context.Background())
	case *sendsyncJob:
		q.queue = append(q.queue, m)
		q.next(c)
	case *sendsyncJobDone:
		q.running--
		q.next(c)
	case *actor.Restarting, *actor.Stopping:
		if q.cancel != nil {
			q.cancel()
		}
	}
}

func (q *SendsyncQueue) next(c actor.Context) {
	for q.running < sendsyncWorkers && len(q.queue) > 0 {
		job := q.queue[0]
		q.queue = q.queue[1:]
		q.running++
		root, self := q.kit.System.Root, c.Self()
		q.kit.Go(func() {
			defer root.Send(self, &sendsyncJobDone{})
			q.serve(job)
		})
	}
}

// serve runs one request and sends its answer back to the worker.
func (q *SendsyncQueue) serve(job *sendsyncJob) {
	// The daemon and the way back get separate budgets: a request that queued behind others
	// (enrollments are serialised) must still have the time to send its answer.
	dctx, dcancel := context.WithTimeout(q.ctx, q.settings.SendsyncTimeout)
	answer, err := dispatchDaemon(dctx, q.settings.Services.Daemons, job.req)
	dcancel()
	ctx, cancel := context.WithTimeout(q.ctx, q.settings.RequestTimeout)
	defer cancel()
	r := NewRequester(q.kit, job.handler)
	if err == nil {
		var id string
		id, err = wire.SendString(ctx, r, answer, wire.RequestChunk)
		if err == nil {
			res := messages.SendSyncResult{Client: job.req.Client, StringID: id}
			if _, err = r.Request(ctx, messages.CmdSendSynRes, res.Encode()); err == nil {
				return
			}
		}
	}
	q.log.Errorf("Error in SendSync (parameters %s): %v", job.req.EncodeBody(), err)
	e := messages.SendSyncError{Client: job.req.Client, Text: messages.ToWazuhError(err).Error()}
	_, _ = r.Request(ctx, messages.CmdSendSynErr, e.Encode())
}

// dispatchDaemon runs one sendsync request against the master's daemons.
func dispatchDaemon(ctx context.Context, d Daemons, req messages.SendSync) ([]byte, error) {
	if d == nil {
		return nil, fmt.Errorf("daemon %s: %w", req.DaemonName, ErrNoStore)
	}
	start := time.Now()
	answer, err := d.Dispatch(ctx, req.DaemonName, req.Message)
	if err != nil {
		return nil, fmt.Errorf("%s after %.3fs: %w", req.DaemonName, time.Since(start).Seconds(), err)
	}
	return answer, nil
}

// sendsync takes a worker's sendsync request off the wire: Wazuh answers at once and serves
// the request from its queue.
func (h *MasterHandler) sendsync(c actor.Context, f messages.Frame) {
	req, err := messages.ParseSendSync(f.Payload)
	if err != nil {
		h.sess.respondError(f.Counter, messages.ErrJSONNotLoaded.With(err.Error()))
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte("Added request to SendSync requests queue"))
	c.Send(h.kit.System.NewLocalPID(Path(NameSendsync)), &sendsyncJob{handler: c.Self(), worker: h.conn.info.Name, req: req})
}
