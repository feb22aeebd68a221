package actors

import (
	"errors"
	"net"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// LocalConn serves one client of c-internal.sock (§9.4): no hello, no encryption. On a worker,
// node and health queries are relayed to the master and the answer is sent back later as a
// control_res request, as Wazuh's worker does. Each request is served by the role the node
// runs when it arrives (the Directory says which).
type LocalConn struct {
	kit      *Kit
	settings Settings
	name     string // Wazuh's local client name: the id of what this client asks other nodes
	nc       *handshakeConn
	log      *logrus.Entry

	sess       *session
	work       *offload
	relays     map[string]*localRelay // DAPI requests another node answers, by request id
	relaySeq   int
	relayTimer timer
}

// relayTag remembers which local request a relayed master request answers.
type relayTag struct{ counter uint32 }

func newLocalConn(kit *Kit, settings Settings, name string, nc net.Conn) actor.Producer {
	hc := &handshakeConn{nc: nc}
	return func() actor.Actor {
		return &LocalConn{kit: kit, settings: settings, name: name, nc: hc, log: kit.Logger("Local "+name, "Main")}
	}
}

// Receive implements actor.Actor.
func (l *LocalConn) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		if l.nc.link != nil {
			l.nc.link.close()
			c.Stop(c.Self())
			return
		}
		l.work = newOffload(l.kit)
		l.nc.link = startLink(l.kit, l.nc.nc, l.settings.localConnConfig(), c.Self(), nil)
		l.sess = newSession(l.kit, l.log, l.nc.link, l.settings.RequestTimeout, nil)
	case *inboundFrame:
		if !l.sess.takeResponse(c, m.frame) {
			l.request(c, m.frame)
		}
	case *NodesSnapshot:
		tag := m.Tag.(nodesTag)
		payload, werr := answerNodesQuery(tag.command, tag.payload, m)
		if werr != nil {
			l.sess.respondError(tag.counter, werr)
			return
		}
		l.sess.respond(tag.counter, messages.CmdOK, payload)
	case *localReply:
		if m.err != nil {
			l.sess.respondError(m.counter, messages.ToWazuhError(m.err))
			return
		}
		l.sess.respond(m.counter, messages.CmdOK, m.payload)
	case *DapiForwarded:
		l.relayForwarded(m)
	case *DapiAnswer:
		l.relayAnswered(c, m)
	case *sweepLocalRelays:
		l.sweepRelays(c)
	case *localSendsyncDone:
		if m.err != nil {
			l.sess.respond(m.counter, messages.CmdErr, []byte(errorText(m.err)))
			return
		}
		l.sess.respond(m.counter, messages.CmdOK, m.data)
	case *SendRequest:
		l.sess.request(c, m)
	case *RequestSent:
		if tag, ok := m.Tag.(relayTag); ok {
			l.sess.respond(tag.counter, messages.CmdOK, []byte("Sent request to master node"))
		}
	case *Response:
		l.relayed(c, m)
	case *sweepPending:
		l.sess.sweep(c)
	case *linkClosed:
		c.Stop(c.Self())
	case *actor.Restarting, *actor.Stopping:
		l.relayTimer.stop()
		l.cancelRelays(c)
		l.work.stop()
		if l.sess != nil {
			l.sess.close(c, ErrConnectionLost)
		}
	}
}

func (l *LocalConn) request(c actor.Context, f messages.Frame) {
	switch f.Command {
	case messages.CmdGetConfig:
		l.sess.respond(f.Counter, messages.CmdOK, l.settings.ConfigJSON)
	case messages.CmdEchoC:
		l.sess.respond(f.Counter, messages.CmdOKM, f.Payload)
	case messages.CmdGetHash:
		l.rulesetHashes(c, f.Counter)
	case messages.CmdSendSync:
		l.sendsync(c, f)
	case messages.CmdDapi:
		l.dapi(c, f)
	case messages.CmdDapiFwd:
		l.dapiFwd(c, f)
	case messages.CmdGetNodes, messages.CmdGetHealth:
		switch master, worker := l.kit.Directory.Master(), l.kit.Directory.Worker(); {
		case master != nil:
			c.Request(master.Peers, &NodesQuery{Tag: nodesTag{counter: f.Counter, command: f.Command, payload: f.Payload}})
		case worker != nil:
			c.Request(worker.Master, &SendRequest{Command: f.Command, Payload: f.Payload, Tag: relayTag{counter: f.Counter}, Ack: true})
		default:
			l.sess.respondError(f.Counter, errNoRole())
		}
	default:
		if !l.sess.handleCommon(f) {
			l.sess.respondUnknown(f)
		}
	}
}

// relayed handles the master's answer to a relayed query: refused before it was sent (not
// connected) it is the local request's answer; otherwise it goes back as control_res, an error
// as the exception's JSON.
func (l *LocalConn) relayed(c actor.Context, m *Response) {
	tag, ok := m.Tag.(relayTag)
	if !ok {
		return
	}
	var werr *messages.WazuhError
	if m.Err != nil && asWazuh(m.Err, &werr) && errors.Is(werr, messages.ErrWorkerNotConnected) {
		l.sess.respondError(tag.counter, werr)
		return
	}
	payload := m.Frame.Payload
	if m.Err != nil {
		// The exception itself, which the API's control.get_nodes raises as it is: Wazuh's
		// worker fails to relay it and leaves its client waiting 200 s (DAPI §7 Q2).
		payload = messages.EncodeException(messages.ToWazuhError(m.Err))
	}
	l.sess.request(c, &SendRequest{Command: messages.CmdControlRes, Payload: payload})
}
