package actors

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The worker's side of the Distributed API on its master's connection (DAPI §3.1, cluster
// §9.3): the master's dapi requests go to node/worker/dapi; the master's answers to what the
// worker relayed for its local clients go back to them.

// masterNodeName is how a worker's queue names requests from its master ("master*<id>").
const masterNodeName = "master"

// dapiRequest takes the master's dapi "<request id> <json>" off the wire: Wazuh answers at once
// and queues it as "master*<request id> <json>".
func (w *WorkerHandler) dapiRequest(c actor.Context, f messages.Frame) {
	req, err := messages.ParseDapiRequest(f.Payload)
	if err != nil {
		w.sess.respondError(f.Counter, messages.ToWazuhError(err))
		return
	}
	if werr := dapi.Admit(req.Body, len(masterNodeName)+1+len(req.Origin)+1); werr != nil {
		w.sess.respondError(f.Counter, werr)
		return
	}
	w.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyDapiQueued))
	w.tell(c, w.tasks.DAPI, &dapiJob{
		origin: dapiOrigin{handler: c.Self(), conn: w.sess.link, node: masterNodeName, id: req.Origin},
		body:   req.Body,
	})
}

// dapiAnswered handles the master's dapi_res and dapi_err for the requests the worker relayed.
// Wazuh's worker acknowledges every dapi_res ("Response forwarded to worker") before it looks
// for the local client; a dapi_err for a client it does not have is refused with 3032.
func (w *WorkerHandler) dapiAnswered(c actor.Context, f messages.Frame) {
	if f.Command == messages.CmdDapiRes {
		if _, werr := dapiResult(c, w.sess, &w.dapi, f.Payload); werr != nil {
			w.log.Debugf("The master answered a request nobody waits for: %v", werr)
		}
		w.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyForwardedToWorker))
		return
	}
	if werr := dapiError(c, &w.dapi, f.Payload); werr != nil {
		w.sess.respondError(f.Counter, werr)
		return
	}
	w.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyDapiErrorForwarded))
}

// relayDapi sends a local client's request to the master, or refuses it at once with 3023
// while the master is not connected.
func (w *WorkerHandler) relayDapi(c actor.Context, m *ForwardDapi) {
	if w.state != stateConnected {
		deliverDapi(c, m.Reply, m.ReplyTo, &DapiAnswer{ID: m.ID, Refused: true, Err: messages.ErrWorkerNotConnected.New()})
		return
	}
	sendDapiForward(c, w.kit, w.sess, &w.dapi, m)
}
