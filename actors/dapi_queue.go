package actors

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
	"github.com/clusterd/clusterd/wire"
)

// Bounds of a node's DAPI queue. Wazuh's queues serve one request at a time, so that a request
// forwarded to a silent worker blocks every other for up to timeout_dapi_request (DAPI §3.2,
// §7 Q8); here requests run side by side, and what waits for a worker costs a goroutine.
const (
	// maxDapiRunning is how many requests are served at once; the others wait in the queue.
	// Each answer is a long string the asker's node holds open until dapi_res names it, and a
	// clusterd node accepts at most wire.DefaultMaxOpenStrings (64) open strings per
	// connection: half of them leaves room for the agent-groups and agent-info strings on the
	// same connection. At 64, a burst of answers to one worker had its agent-groups string
	// refused, and the err_str that follows a refused new_str dropped another answer's string.
	maxDapiRunning = wire.DefaultMaxOpenStrings / 2
	// maxDapiQueued is how many requests may wait for a place.
	maxDapiQueued = 1024
	// maxDapiBytes bounds the request bytes the queue holds, waiting and running together:
	// three requests of the largest size, far more than the API's usual few kilobytes. Beyond
	// it a request is answered with dapi_err at once instead of waiting.
	maxDapiBytes = 3 * dapi.MaxRequestSize
	// refusalLogPeriod spaces the log lines of refused requests: a flood makes one a minute.
	refusalLogPeriod = time.Minute
)

// DAPIQueue is a node's queue of Distributed API requests (node/master/dapi,
// node/worker/dapi; DAPI §3.2): the requests of local clients and workers on the master, those
// the master forwards on a worker. It only queues and bounds them: each runs on its own
// goroutine (offload) through messages/dapi — decoding, routing, execution by the node's
// executor, forwarding to other nodes, merging — and its answer goes back through the actor
// that owns the asker's connection, as a long string named by dapi_res, or as dapi_err.
type DAPIQueue struct {
	kit      *Kit
	settings Settings
	log      *logrus.Entry
	peers    *actor.PID // master: Peers, which knows the connected workers; nil on a worker

	queue     []*dapiJob
	bytes     int // request bytes queued and running
	running   int
	executing gate // executions by the node's executor at once, across requests
	work      *offload
	refused   int
	loggedAt  time.Time
}

// dapiJob is one request taken off a connection: its JSON and where its answer goes.
type dapiJob struct {
	origin dapiOrigin
	body   []byte
}

// dapiOrigin is who asked: the actor that owns the asker's connection, and the id the answer
// names.
type dapiOrigin struct {
	handler *actor.PID // a MasterHandler, the WorkerHandler, a LocalConn
	conn    *link      // the connection the answer must go out on (nil: the LocalConn's own)
	node    string     // the asker as the log names it: a worker, "master", a local client
	id      string     // the id in front of the answer; "" towards a local client
}

// from is how Wazuh's log line names the asker: "worker1 (972484)", "master (<uuid>)", or a
// local client's name alone.
func (o dapiOrigin) from() string {
	if o.id == "" {
		return o.node
	}
	return o.node + " (" + messages.ClipForLog(o.id) + ")"
}

// named prefixes text with the origin's id, as the answer's payload carries it.
func (o dapiOrigin) named(text string) []byte {
	if o.id == "" {
		return []byte(text)
	}
	return []byte(o.id + " " + text)
}

// dapiJobDone frees a place.
type dapiJobDone struct{ size int }

// NewDAPIQueue returns the producer of a node's DAPI queue: the master's gets Peers (the
// connected workers, and the way to them), a worker's nil.
func NewDAPIQueue(kit *Kit, settings Settings, peers *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &DAPIQueue{kit: kit, settings: settings, peers: peers, log: kit.Logger("Cluster", "D API"),
			executing: newGate(max(4, 2*runtime.NumCPU()))}
	}
}

// Receive implements actor.Actor.
func (q *DAPIQueue) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		q.work = newOffload(q.kit)
	case *dapiJob:
		if len(q.queue) >= maxDapiQueued || q.bytes+len(m.body) > maxDapiBytes {
			q.refuse(c, m)
			return
		}
		q.queue = append(q.queue, m)
		q.bytes += len(m.body)
		q.next(c)
	case *dapiJobDone:
		q.running--
		q.bytes -= m.size
		q.next(c)
	case *actor.Restarting, *actor.Stopping:
		q.work.stop()
		// Running requests end with dapi_err as their goroutines see the cancellation; those
		// still queued end here, so that no asker waits out its timeout for them.
		for _, job := range q.queue {
			abandonDapi(q.kit, job.origin, ErrShuttingDown)
		}
		q.queue = nil
	}
}

func (q *DAPIQueue) next(c actor.Context) {
	for q.running < maxDapiRunning && len(q.queue) > 0 {
		job := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.running++
		q.work.Run(c, 0, func(ctx context.Context) any {
			q.serve(ctx, job)
			return &dapiJobDone{size: len(job.body)}
		})
	}
}

// refuse answers a request the queue has no room for with dapi_err, at once.
func (q *DAPIQueue) refuse(c actor.Context, job *dapiJob) {
	q.refused++
	if now := q.kit.Now(); now.Sub(q.loggedAt) >= refusalLogPeriod {
		q.log.Warnf("Error in distributed API: the queue is full (%d requests, %d MiB); %d requests refused.",
			len(q.queue)+q.running, q.bytes>>20, q.refused)
		q.loggedAt, q.refused = now, 0
	}
	abandonDapi(q.kit, job.origin, fmt.Errorf("the API requests queue is full"))
}

// abandonDapi answers a request that will not be served with dapi_err, without waiting for the
// asker's acknowledgement: the actor that owns the connection sends it.
func abandonDapi(kit *Kit, o dapiOrigin, why error) {
	text := messages.ErrDistributedAPI.With(why.Error()).Error()
	kit.System.Root.Send(o.handler, &SendRequest{Command: messages.CmdDapiErr, Payload: o.named(text), Conn: o.conn})
}
