package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// sendsyncWorkers is how many sendsync requests the master serves at once; the rest wait in the
// queue, in arrival order. Most wait on a daemon or on the worker taking the answer (a long
// string: three round trips), not on a core: with every new agent of every worker asking for
// its default group, a few slots held each answer back behind the others' round trips, and
// enough of them at once let the assignments be written together (with 128, and 32 per worker,
// 50,000 new agents on 25 workers took 6 min 51 s to set up; with these, 5 min 42 s). A slot
// is a goroutine waiting; the bytes of the requests served and queued stay under
// maxSendsyncQueued together.
const sendsyncWorkers = 1024

// maxSendsyncRequest bounds one sendsync request of a worker, before it is parsed. The daemons
// it goes to read requests of at most 64 KiB (OS_MAXSTR); sixteen times that leaves room for
// JSON escaping and is still no burden to parse.
const maxSendsyncRequest = 16 << 16

// maxSendsyncQueued bounds the bytes of the requests waiting in the master's queue, all workers
// together: beyond it a request is answered with sendsyn_err at once instead of waiting.
const maxSendsyncQueued = 64 << 20

// SendsyncQueue is the master's node/master/sendsync: the queue of worker requests for the master's
// daemons (§11). Each request runs on its own goroutine (at most sendsyncWorkers at a time):
// the daemon's answer goes back to the worker as a long string named by sendsyn_res (inline in
// CmdSendSyncInline to a clusterd worker that asked), or as sendsyn_err with the error text.
type SendsyncQueue struct {
	kit      *Kit
	settings Settings
	log      *logrus.Entry

	queue   []*sendsyncJob
	queued  int // bytes of the requests in queue or being served
	running int
	work    *offload
}

// sendsyncJob is one worker request taken off the wire by its handler.
type sendsyncJob struct {
	handler *actor.PID
	worker  string
	req     messages.SendSync
	inline  bool // the worker takes answers in CmdSendSyncInline (CapSendsyncInline)
}

// CapSendsyncInline is the cd_caps token of a worker that takes a sendsync answer inline
// (CmdSendSyncInline, protocol §22.5).
const CapSendsyncInline = "sendsync-inline"

// CmdSendSyncInline is clusterd's own request from a master to a worker that announced
// CapSendsyncInline: "<client> <answer>", the daemon's answer to a sendsync request in one
// round trip instead of the three of a long string (new_str, str_upd, sendsyn_res). While
// 50,000 new agents each asked for their default group, those round trips were most of the
// frames the master handled.
const CmdSendSyncInline = "cd_ssres"

// maxInlineSendsyncAnswer is the largest answer sent inline; a larger one goes as a long
// string, as to a Wazuh worker. The daemons answer in at most 64 KiB (OS_MAXSTR).
const maxInlineSendsyncAnswer = 64 << 10

// sendsyncJobDone frees a slot.
type sendsyncJobDone struct{ size int }

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
		q.work = newOffload(q.kit)
	case *sendsyncJob:
		if size := m.size(); q.queued+size > maxSendsyncQueued {
			q.refuse(c, m)
		} else {
			q.queue = append(q.queue, m)
			q.queued += size
		}
		q.next(c)
	case *sendsyncJobDone:
		q.running--
		q.queued -= m.size
		q.next(c)
	case *actor.Restarting, *actor.Stopping:
		q.work.stop()
	}
}

func (q *SendsyncQueue) next(c actor.Context) {
	for q.running < sendsyncWorkers && len(q.queue) > 0 {
		job := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.running++
		q.work.Run(c, 0, func(ctx context.Context) any {
			q.serve(ctx, job)
			return &sendsyncJobDone{size: job.size()}
		})
	}
}

// size is what a queued request holds.
func (j *sendsyncJob) size() int {
	return len(j.req.Client) + len(j.req.DaemonName) + len(j.req.Message)
}

// refuse answers a request the queue has no room for, as a request the daemon failed.
func (q *SendsyncQueue) refuse(c actor.Context, job *sendsyncJob) {
	q.log.Errorf("Error in SendSync (daemon %s): the queue holds %d MiB of requests already.",
		messages.ClipForLog(job.req.DaemonName), q.queued>>20)
	kit := q.kit
	q.work.Run(c, q.settings.RequestTimeout, func(ctx context.Context) any {
		e := messages.SendSyncError{Client: job.req.Client, Text: messages.ErrSendingRequest.With("SendSync queue full").Error()}
		_, _ = NewRequester(kit, job.handler).Request(ctx, messages.CmdSendSynErr, e.Encode())
		return nil
	})
}

// serve runs one request and sends its answer back to the worker.
func (q *SendsyncQueue) serve(actorCtx context.Context, job *sendsyncJob) {
	// The daemon and the way back get separate budgets: a request that queued behind others
	// (enrollments are serialised) must still have the time to send its answer.
	dctx, dcancel := context.WithTimeout(actorCtx, q.settings.SendsyncTimeout)
	answer, err := dispatchDaemon(dctx, q.settings.Services.Daemons, job.req)
	dcancel()
	ctx, cancel := context.WithTimeout(actorCtx, q.settings.RequestTimeout)
	defer cancel()
	r := NewRequester(q.kit, job.handler)
	if err == nil {
		if err = q.sendAnswer(ctx, r, job, answer); err == nil {
			return
		}
	}
	q.log.Errorf("Error in SendSync (parameters %s): %v", messages.ClipForLog(string(job.req.EncodeBody())), err)
	e := messages.SendSyncError{Client: job.req.Client, Text: messages.ToWazuhError(err).Error()}
	_, _ = r.Request(ctx, messages.CmdSendSynErr, e.Encode())
}

// sendAnswer sends the daemon's answer to the worker: in CmdSendSyncInline when the worker takes
// it so and it is small enough, else as a long string named by sendsyn_res.
func (q *SendsyncQueue) sendAnswer(ctx context.Context, r *Requester, job *sendsyncJob, answer []byte) error {
	if job.inline && len(answer) <= maxInlineSendsyncAnswer {
		_, err := r.Request(ctx, CmdSendSyncInline, messages.SendSyncAnswer{Client: job.req.Client, Answer: answer}.Encode())
		return err
	}
	return sendLongString(ctx, q.kit, r, answer, func(id string) error {
		res := messages.SendSyncResult{Client: job.req.Client, StringID: id}
		_, err := r.Request(ctx, messages.CmdSendSynRes, res.Encode())
		return err
	})
}

// dispatchDaemon runs one sendsync request against the master's daemons.
func dispatchDaemon(ctx context.Context, d Daemons, req messages.SendSync) ([]byte, error) {
	if d == nil {
		return nil, fmt.Errorf("daemon %s: %w", messages.ClipForLog(req.DaemonName), ErrNoStore)
	}
	start := time.Now()
	answer, err := d.Dispatch(ctx, req.DaemonName, req.Message)
	if err != nil {
		return nil, fmt.Errorf("%s after %.3fs: %w", messages.ClipForLog(req.DaemonName), time.Since(start).Seconds(), err)
	}
	return answer, nil
}

// sendsync takes a worker's sendsync request off the wire: Wazuh answers at once and serves
// the request from its queue.
func (h *MasterHandler) sendsync(c actor.Context, f messages.Frame) {
	if len(f.Payload) > maxSendsyncRequest {
		h.sess.respondError(f.Counter, messages.ErrPayloadTooLarge.With(fmt.Sprintf("sendsync request of %d bytes", len(f.Payload))))
		return
	}
	req, err := messages.ParseSendSync(f.Payload)
	if err != nil {
		h.sess.respondError(f.Counter, messages.ErrJSONNotLoaded.With(err.Error()))
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte("Added request to SendSync requests queue"))
	c.Send(h.role.Sendsync, &sendsyncJob{handler: c.Self(), worker: h.conn.info.Name, req: req, inline: h.sendsyncInline})
}
