package actors

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// The Distributed API on c-internal.sock (DAPI §1.3, cluster §9.4). On the master, dapi goes to
// node/master/dapi, whose answer comes back through this connection; dapi_fwd goes to the named
// worker and its answer is relayed. On a worker, dapi is relayed to the master unchanged (3023 at
// once when the master is not connected) and the master's answer is relayed back.

// maxLocalRelays bounds the requests one local client may have waiting for another node's
// answer. Wazuh's local client sends one request per connection.
const maxLocalRelays = 16

// localRelay is a request of this connection's client that another node answers.
type localRelay struct {
	counter  uint32 // the client's request, whose immediate answer waits for the relay to go out
	command  string // dapi or dapi_fwd
	answered bool   // the immediate answer went out
	deadline time.Time
	to       *actor.PID // who forwarded it, and is told when the client goes
	node     string
}

// sweepLocalRelays ends the relays whose answer never came: a forward lost on its way (its
// worker's handler stopped as it arrived) is answered anyway.
type sweepLocalRelays struct{}

// dapi serves a local dapi request: queued on the master, relayed to the master by a worker.
func (l *LocalConn) dapi(c actor.Context, f messages.Frame) {
	req, werr := parseLocalDapi(f.Command, f.Payload, l.name)
	if werr != nil {
		l.sess.respondError(f.Counter, werr)
		return
	}
	switch master, worker := l.kit.Directory.Master(), l.kit.Directory.Worker(); {
	case master != nil:
		l.sess.respond(f.Counter, messages.CmdOK, []byte(messages.ReplyDapiQueued))
		c.Send(master.DAPI, &dapiJob{origin: dapiOrigin{handler: c.Self(), node: l.name}, body: req.body})
	case worker != nil:
		// A worker does not decode what its API sends: the master does (DAPI §3.3). It waits a
		// little longer than the master, whose own timeout (3021) is the better answer.
		l.relay(c, f, worker.Master, &ForwardDapi{Body: req.body}, l.settings.DAPIRequestTimeout+l.settings.RequestTimeout)
	default:
		l.sess.respondError(f.Counter, errNoRole())
	}
}

// dapiFwd serves the master's dapi_fwd "<node> <json>": the master's API sends a worker its
// share of a distributed request. A worker does not know the command (F3).
func (l *LocalConn) dapiFwd(c actor.Context, f messages.Frame) {
	master := l.kit.Directory.Master()
	if master == nil {
		l.sess.respondUnknown(f)
		return
	}
	req, werr := parseLocalDapi(f.Command, f.Payload, l.name)
	if werr != nil {
		l.sess.respondError(f.Counter, werr)
		return
	}
	l.relay(c, f, master.Peers, &ForwardDapi{Node: req.node, Body: req.body}, l.settings.DAPIRequestTimeout)
}

// relay sends m to the actor that forwards it (Peers on the master, the worker's handler) under
// a request id of this connection: its name, as Wazuh's, then "<name>-<n>" for any further
// request of the same connection.
func (l *LocalConn) relay(c actor.Context, f messages.Frame, to *actor.PID, m *ForwardDapi, timeout time.Duration) {
	if len(l.relays) >= maxLocalRelays {
		l.sess.respondError(f.Counter, messages.ErrDistributedAPI.With(fmt.Sprintf("%d requests of this client are waiting already", len(l.relays))))
		return
	}
	m.ID = l.name
	if l.relaySeq > 0 {
		m.ID = l.name + "-" + strconv.Itoa(l.relaySeq)
	}
	l.relaySeq++
	m.Local, m.Timeout, m.ReplyTo = true, timeout, c.Self()
	if l.relays == nil {
		l.relays = map[string]*localRelay{}
	}
	l.relays[m.ID] = &localRelay{counter: f.Counter, command: f.Command,
		deadline: l.kit.Now().Add(m.Timeout + l.settings.RequestTimeout), to: to, node: m.Node}
	c.Send(to, m)
	l.armRelays(c)
}

// relayForwarded gives a relay its immediate answer once it is on its way.
func (l *LocalConn) relayForwarded(m *DapiForwarded) {
	if r := l.relays[m.ID]; r != nil {
		l.acknowledge(r)
	}
}

// acknowledge answers the client's request: ok, it is on its way.
func (l *LocalConn) acknowledge(r *localRelay) {
	if r.answered {
		return
	}
	r.answered = true
	text := messages.ReplyDapiQueued
	if r.command == messages.CmdDapiFwd {
		text = messages.ReplyForwardedToNode
	}
	l.sess.respond(r.counter, messages.CmdOK, []byte(text))
}

// relayAnswered passes the other node's answer on to the client: a refusal before the request
// went out is the request's immediate answer (3022, 3023); anything later comes as the long
// string and dapi_res, or as dapi_err.
func (l *LocalConn) relayAnswered(c actor.Context, m *DapiAnswer) {
	r := l.relays[m.ID]
	if r == nil {
		return
	}
	delete(l.relays, m.ID)
	l.armRelays(c)
	if !r.answered && m.Err != nil {
		l.sess.respondError(r.counter, messages.ToWazuhError(m.Err))
		return
	}
	l.acknowledge(r)
	switch {
	case m.Err != nil:
		l.dapiErr(c, messages.ToWazuhError(m.Err).Error())
	case m.Failed:
		l.dapiErr(c, m.Text)
	default:
		l.sendResult(c, m.Data)
	}
}

// dapiErr sends the client dapi_err with text; its acknowledgement changes nothing.
func (l *LocalConn) dapiErr(c actor.Context, text string) {
	l.sess.request(c, &SendRequest{Command: messages.CmdDapiErr, Payload: []byte(text), ReplyTo: nil})
}

// sendResult sends the client a result as a long string named by dapi_res.
func (l *LocalConn) sendResult(c actor.Context, data []byte) {
	kit, self := l.kit, c.Self()
	l.work.Run(c, l.settings.RequestTimeout*time.Duration(3+len(data)/wire.RequestChunk), func(ctx context.Context) any {
		r := NewRequester(kit, self)
		id, err := wire.SendString(ctx, r, data, wire.RequestChunk)
		if err == nil {
			if _, err = r.Request(ctx, messages.CmdDapiRes, []byte(id)); err == nil {
				return nil
			}
		}
		_, _ = r.Request(ctx, messages.CmdDapiErr, []byte(messages.ToWazuhError(err).Error()))
		return nil
	})
}

// cancelRelays tells the connections' handlers that nobody waits for this client's relays any
// more: their places are freed now rather than at their deadline.
func (l *LocalConn) cancelRelays(c actor.Context) {
	for id, r := range l.relays {
		c.Send(r.to, &CancelDapiForward{Node: r.node, ID: id})
	}
	l.relays = nil
}

// sweepRelays ends the relays whose answer is overdue.
func (l *LocalConn) sweepRelays(c actor.Context) {
	now := l.kit.Now()
	for id, r := range l.relays {
		if now.After(r.deadline) {
			l.relayAnswered(c, &DapiAnswer{ID: id, Err: messages.NewClusterError(messages.ErrAPITimeout.Code, nil)})
		}
	}
	l.armRelays(c)
}

func (l *LocalConn) armRelays(c actor.Context) {
	var next time.Time
	for _, r := range l.relays {
		if next.IsZero() || r.deadline.Before(next) {
			next = r.deadline
		}
	}
	if next.IsZero() {
		l.relayTimer.stop()
		return
	}
	l.relayTimer.after(l.kit, max(next.Sub(l.kit.Now()), 0)+time.Millisecond, c.Self(), &sweepLocalRelays{})
}
