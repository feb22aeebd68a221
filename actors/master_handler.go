package actors

import (
	"maps"
	"os"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// MasterHandler is the master's side of one worker's connection (node/master/peers/<worker>): it
// answers the worker's requests, sends the master's requests for the task actors, and reports
// the worker's status to the peers supervisor. Its life is the connection's: when either ends,
// so does the other, and the worker reconnects.
type MasterHandler struct {
	kit      *Kit
	settings Settings
	role     *MasterRole // the master subtree: peers (its supervisor), groups-send, sendsync
	conn     *handlerConn
	log      *logrus.Entry

	sess           *session
	status         messages.WorkerStatus
	lastKeepalive  time.Time
	integ          masterIntegrity
	agentInfoBusy  bool // an agent-info sync of this worker is being applied
	sendsyncInline bool // the worker announced CapSendsyncInline: answers go in CmdSendSyncInline
	dropping       bool // the keepalive check already closed the connection
	disconnected   bool // the connection's end was handled (it can be heard of twice, see started)
	probe          linkProbe
	work           *offload
	dapi           dapiRelays // DAPI requests forwarded to the worker, waiting for its answer
}

// pushIntegrityCheck asks a handler to tell its (clusterd) worker to check integrity now.
type pushIntegrityCheck struct{}

// handlerConn is what a handler keeps across a restart of its actor: the connection and whether
// it was already answered. A restarted handler gives the connection up, because its protocol
// state was lost with the failed instance.
type handlerConn struct {
	link         *link
	info         messages.NodeInfo
	helloCounter uint32
	answered     bool
}

func newMasterHandler(kit *Kit, settings Settings, role *MasterRole, l *link, info messages.NodeInfo, helloCounter uint32) actor.Producer {
	hc := &handlerConn{link: l, info: info, helloCounter: helloCounter}
	return func() actor.Actor {
		return &MasterHandler{kit: kit, settings: settings, role: role, conn: hc,
			log: kit.Logger("Worker "+info.Name, "Main")}
	}
}

// Receive implements actor.Actor.
func (h *MasterHandler) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		h.started(c)
	case *inboundFrame:
		if m.link != h.conn.link {
			return
		}
		probeOutcome(c, h.log, h.sess, h.probe.heard(), true, probeTimeout(h.settings))
		if !h.sess.takeResponse(c, m.frame) {
			h.request(c, m.frame)
		}
	case *SendRequest:
		h.sess.request(c, m)
	case *sweepPending:
		h.sess.sweep(c)
	case *NodesSnapshot:
		h.answerNodes(m)
	case *IntegrityUpdated:
		h.integrityUpdated(c, m)
	case *integrityDone:
		h.integrityFinished(c, m)
	case *integrityReceiveTimeout:
		h.integrityReceiveTimedOut(c, m)
	case *ForwardDapi:
		sendDapiForward(c, h.kit, h.sess, &h.dapi, m)
	case *sweepDapiRelays:
		h.dapi.sweep(c, h.kit)
	case *CancelDapiForward:
		h.dapi.take(m.ID)
	case *agentInfoApplied:
		h.agentInfoDone(c, m)
	case *pushIntegrityCheck:
		h.sess.request(c, &SendRequest{Command: CmdIntegrityNow, ReplyTo: c.Self()})
	case *probeLink:
		h.probe.start(c, h.kit, h.sess, messages.CmdEchoM, probeTimeout(h.settings), m)
	case *probeExpired:
		probeOutcome(c, h.log, h.sess, h.probe.expired(m), false, probeTimeout(h.settings))
	case *Response:
		// Answers to the master's own fire-and-forget requests (the integrity push), and to
		// liveness probes.
		switch tag := m.Tag.(type) {
		case probeTag:
			settled, alive := h.probe.answered(m, tag)
			probeOutcome(c, h.log, h.sess, settled, alive, probeTimeout(h.settings))
		case dapiRelayTag:
			dapiSent(c, &h.dapi, m, tag)
		}
	case *checkKeepalives:
		if !h.dropping && m.now.Sub(h.lastKeepalive) > m.maxAge {
			// Checks queue up while the handler is busy; one verdict is enough.
			h.dropping = true
			h.kit.Logger("Master", "Keep alive").Errorf(
				"No keep alives have been received from %s in the last minute. Disconnecting", h.conn.info.Name)
			h.sess.close(c, ErrConnectionLost)
		}
	case *Disconnect:
		h.log.Infof("Closing the connection: %s.", m.Reason)
		h.sess.close(c, ErrConnectionLost)
	case *linkClosed:
		if m.link == h.conn.link && !h.disconnected {
			h.disconnected = true
			h.log.Infof("Disconnected %s.", h.conn.info.Name)
			c.Stop(c.Self())
		}
	case *actor.Restarting:
		h.shutdown(c)
	case *actor.Stopping:
		h.shutdown(c)
	}
}

func (h *MasterHandler) started(c actor.Context) {
	h.work = newOffload(h.kit)
	h.sess = newSession(h.kit, h.log, h.conn.link, h.settings.RequestTimeout, wire.NewFileReceiver(h.settings.Home))
	if h.conn.answered {
		h.log.Warn("Handler restarted after a failure; closing the connection so the worker starts afresh.")
		h.sess.close(c, ErrConnectionLost)
		c.Stop(c.Self())
		return
	}
	h.conn.link.handTo(c.Self())
	if h.conn.link.closed.Load() {
		// The connection ended while the handshake still owned it (a worker that gave up
		// waiting for the answer to its hello, on a loaded master): that end went to the
		// handshake, so this handler would hold the worker's place, and refuse its next hellos
		// with 3028, for ever. The link sets closed before it reads its owner, so either this
		// load sees it or the link's own message comes here.
		c.Send(c.Self(), &linkClosed{link: h.conn.link, err: ErrConnectionLost})
	}
	if err := os.MkdirAll(h.settings.QueueDir(h.conn.info.Name), 0o770); err != nil {
		h.log.WithError(err).Error("Could not create the worker's queue folder.")
	}
	h.status = messages.NewWorkerStatus()
	h.integ.init(h.settings)
	h.touchKeepalive(c)
	h.conn.answered = true
	h.conn.link.conn.Authenticated()
	h.sess.respond(h.conn.helloCounter, messages.CmdOK, []byte("Client "+h.conn.info.Name+" added"))
}

func (h *MasterHandler) request(c actor.Context, f messages.Frame) {
	switch f.Command {
	case messages.CmdEchoC:
		h.touchKeepalive(c)
		h.sess.respond(f.Counter, messages.CmdOKM, f.Payload)
	case messages.CmdHello:
		h.sess.respondError(f.Counter, messages.ErrDuplicateWorkerName.With(h.conn.info.Name))
	case messages.CmdGetNodes, messages.CmdGetHealth:
		c.Request(h.role.Peers, &NodesQuery{Tag: nodesTag{counter: f.Counter, command: f.Command, payload: f.Payload}})
	case messages.CmdSynIWMP, messages.CmdSynIWM, messages.CmdSynIWME, messages.CmdSynIWMR:
		h.integrityRequest(c, f)
	case messages.CmdSynAWMP:
		h.agentInfoPermission(f)
	case messages.CmdSynAWM:
		h.agentInfoReceived(c, f)
	case messages.CmdSynWGE, messages.CmdSynWGCE, messages.CmdSynWGErr, messages.CmdSynWGCErr:
		h.sess.respond(f.Counter, messages.CmdOK, []byte("Thanks"))
		h.groupsResult(c, f)
	case messages.CmdSynWGC:
		h.sess.respond(f.Counter, messages.CmdOK, []byte("Sending all agent-groups information"))
		c.Send(h.role.GroupsSend, &fullGroupsRequest{name: h.conn.info.Name})
	case messages.CmdSendSync:
		h.sendsync(c, f)
	case messages.CmdDapi:
		h.dapiRequest(c, f)
	case messages.CmdDapiRes, messages.CmdDapiErr:
		h.dapiAnswered(c, f)
	case CmdCapabilities:
		h.workerCapabilities(f)
	default:
		if !h.sess.handleCommon(f) {
			h.sess.respondUnknown(f)
		}
	}
}

// nodesTag remembers which request a NodesQuery answers.
type nodesTag struct {
	counter uint32
	command string
	payload []byte
}

func (h *MasterHandler) answerNodes(m *NodesSnapshot) {
	tag, ok := m.Tag.(nodesTag)
	if !ok {
		return
	}
	payload, werr := answerNodesQuery(tag.command, tag.payload, m)
	if werr != nil {
		h.sess.respondError(tag.counter, werr)
		return
	}
	h.sess.respond(tag.counter, messages.CmdOK, payload)
}

func (h *MasterHandler) touchKeepalive(c actor.Context) {
	now := h.kit.Now()
	h.lastKeepalive = now
	h.status.LastKeepAlive = messages.FormatDate(now)
	h.publishStatus(c)
}

// publishStatus sends the worker's current status to the peers supervisor, which answers node
// and health queries from it.
func (h *MasterHandler) publishStatus(c actor.Context) {
	h.status.SyncIntegrityFree = h.integ.free
	st := h.status
	st.LastSyncIntegrity.TotalFiles = maps.Clone(st.LastSyncIntegrity.TotalFiles)
	c.Send(h.role.Peers, &workerStatus{name: h.conn.info.Name, status: st})
}

func (h *MasterHandler) shutdown(c actor.Context) {
	h.integ.receiveTimer.stop()
	h.probe.stop()
	h.work.stop()
	if h.sess != nil {
		h.sess.close(c, ErrConnectionLost)
	}
	// What waits for this worker's answers ends now, not after timeout_dapi_request.
	h.dapi.failAll(c, messages.ErrDAPIForward.With(h.conn.info.Name))
	if h.conn.answered {
		_ = os.RemoveAll(h.settings.QueueDir(h.conn.info.Name))
	}
}
