package actors

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/dapi"
)

// The master's side of the Distributed API on a worker's connection (DAPI §3.1, cluster §9.2):
// the worker's dapi requests go to node/master/dapi; the worker's answers to what the master
// forwarded it (for its queue, or for dapi_fwd from its local socket) go to whoever waits.

// dapiRequest takes a worker's dapi "<client> <json>" off the wire: Wazuh answers at once and
// queues it as "<worker>*<client> <json>".
func (h *MasterHandler) dapiRequest(c actor.Context, f messages.Frame) {
	req, err := messages.ParseDapiRequest(f.Payload)
	if err != nil {
		h.sess.respondError(f.Counter, messages.ToWazuhError(err))
		return
	}
	if werr := dapi.Admit(req.Body, len(h.conn.info.Name)+1+len(req.Origin)+1); werr != nil {
		h.sess.respondError(f.Counter, werr)
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyDapiQueued))
	c.Send(h.role.DAPI, &dapiJob{
		origin: dapiOrigin{handler: c.Self(), conn: h.conn.link, node: h.conn.info.Name, id: req.Origin},
		body:   req.Body,
	})
}

// dapiAnswered handles the worker's dapi_res and dapi_err: the answers to the requests this
// handler forwarded it. An id it is not waiting for is refused with 3032.
func (h *MasterHandler) dapiAnswered(c actor.Context, f messages.Frame) {
	if f.Command == messages.CmdDapiRes {
		reply, werr := dapiResult(c, h.sess, &h.dapi, f.Payload)
		if werr != nil {
			h.sess.respondError(f.Counter, werr)
			return
		}
		h.sess.respond(f.Counter, messages.CmdOK, []byte(reply))
		return
	}
	if werr := dapiError(c, &h.dapi, f.Payload); werr != nil {
		h.sess.respondError(f.Counter, werr)
		return
	}
	h.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyDapiErrorForwarded))
}

// forwardDapi routes a forward to the named worker's handler; a worker that is not connected
// is answered at once with 3022, as Wazuh's dapi_fwd and MasterHandler.execute do.
func (p *Peers) forwardDapi(c actor.Context, m *ForwardDapi) {
	e, ok := p.workers[m.Node]
	if !ok {
		deliverDapi(c, m.Reply, m.ReplyTo, &DapiAnswer{ID: m.ID, Refused: true,
			Err: messages.NewClusterError(messages.ErrUnknownNode.Code, nil)})
		return
	}
	c.Send(e.pid, m)
}

// cancelDapiForward passes a cancellation on to the named worker's handler.
func (p *Peers) cancelDapiForward(c actor.Context, m *CancelDapiForward) {
	if e, ok := p.workers[m.Node]; ok {
		c.Send(e.pid, m)
	}
}
