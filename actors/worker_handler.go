package actors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/actors/integrity"
	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// WorkerHandler is the worker's connection to its master (node/worker/master): it connects, says
// hello, reconnects every connection_retry after a loss, answers the master's requests and
// sends the task actors' requests. While it is not connected, every SendRequest is refused at
// once with 3023, so no task ever waits on a dead link.
type WorkerHandler struct {
	kit      *Kit
	settings Settings
	tasks    *WorkerRole // the worker subtree whose task actors it serves
	log      *logrus.Entry

	state     workerState
	sess      *session
	integTask string // the task id given to the master's syn_m_c
	retry     timer
	work      *offload
	gen       int
	probe     linkProbe
	dapi      dapiRelays // local clients' DAPI requests sent to the master, waiting for its answer
	// next is the index in Settings.MasterIPs of the address to dial; tried counts the
	// addresses that failed in a row since the last wait.
	next, tried int
}

type workerState int

const (
	stateDisconnected workerState = iota
	stateDialing
	stateHelloSent
	stateConnected
)

type connectNow struct{}

type dialed struct {
	gen  int
	nc   net.Conn
	err  error
	addr string
}

// discard closes a connection dialed for a handler that stopped meanwhile.
func (d *dialed) discard() {
	if d.nc != nil {
		_ = d.nc.Close()
	}
}

type helloTag struct{}

// capsTag marks the answer to CmdCapabilities sent on link with the link cipher's nonce.
type capsTag struct {
	link  *link
	nonce wire.LinkNonce
}

// MasterStatus asks the worker handler whether it is connected; it answers *MasterStatusReply.
type MasterStatus struct{}

// MasterStatusReply tells whether the worker is connected to its master.
type MasterStatusReply struct{ Connected bool }

// NewWorkerHandler returns the producer of a worker's master connection actor; tasks is the
// worker subtree it belongs to (nil: a handler alone, whose master's requests for the task
// actors go nowhere).
func NewWorkerHandler(kit *Kit, settings Settings, tasks *WorkerRole) actor.Producer {
	if tasks == nil {
		tasks = &WorkerRole{}
	}
	return func() actor.Actor {
		return &WorkerHandler{kit: kit, settings: settings, tasks: tasks, log: kit.Logger("Worker "+settings.NodeName, "Main")}
	}
}

// Receive implements actor.Actor.
func (w *WorkerHandler) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		w.work = newOffload(w.kit)
		c.Send(c.Self(), &connectNow{})
	case *connectNow:
		w.dial(c)
	case *dialed:
		w.dialDone(c, m)
	case *inboundFrame:
		if w.sess == nil || m.link != w.sess.link {
			return
		}
		probeOutcome(c, w.log, w.sess, w.probe.heard(), true, probeTimeout(w.settings))
		if !w.sess.takeResponse(c, m.frame) {
			w.request(c, m.frame)
		}
	case *Response:
		switch tag := m.Tag.(type) {
		case helloTag:
			w.helloAnswered(c, m)
		case capsTag:
			if m.Err == nil && m.Frame.Command == messages.CmdOK {
				w.capabilitiesAccepted(tag, m.Frame.Payload)
			} // a Wazuh master does not know the command: Wazuh's formats it is
		case probeTag:
			settled, alive := w.probe.answered(m, tag)
			probeOutcome(c, w.log, w.sess, settled, alive, probeTimeout(w.settings))
		case dapiRelayTag:
			dapiSent(c, &w.dapi, m, tag)
		}
	case *probeExpired:
		probeOutcome(c, w.log, w.sess, w.probe.expired(m), false, probeTimeout(w.settings))
	case *SendRequest:
		if w.state != stateConnected {
			w.refuse(c, m)
			return
		}
		w.sess.request(c, m)
	case *sweepPending:
		if w.sess != nil && m.link == w.sess.link {
			w.sess.sweep(c)
		}
	case *Disconnect:
		if w.sess != nil {
			w.log.Infof("Closing the connection: %s.", m.Reason)
			w.sess.close(c, ErrConnectionLost)
		}
	case *MemberEvent:
		w.memberEvent(c, m)
	case *MasterStatus:
		c.Respond(&MasterStatusReply{Connected: w.state == stateConnected})
	case *ForwardDapi:
		w.relayDapi(c, m)
	case *sweepDapiRelays:
		w.dapi.sweep(c, w.kit)
	case *CancelDapiForward:
		w.dapi.take(m.ID)
	case *linkClosed:
		if w.sess != nil && m.link == w.sess.link {
			w.lost(c, m.err)
		}
	case *actor.Restarting, *actor.Stopping:
		w.retry.stop()
		w.probe.stop()
		w.work.stop()
		if w.sess != nil {
			w.sess.close(c, ErrConnectionLost)
		}
		w.dapi.failAll(c, messages.ErrWorkerNotConnected.New())
	}
}

func (w *WorkerHandler) dial(c actor.Context) {
	if w.state != stateDisconnected {
		return
	}
	w.state = stateDialing
	w.gen++
	gen := w.gen
	addr := net.JoinHostPort(w.masterIP(), strconv.Itoa(w.settings.Port))
	var d net.Dialer
	// A worker bound to one address connects from it, so the master reports that address.
	if ip := net.ParseIP(w.settings.BindAddr); ip != nil && !ip.IsUnspecified() {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	w.work.Run(c, w.settings.DialTimeout, func(ctx context.Context) any {
		nc, err := d.DialContext(ctx, "tcp", addr)
		return &dialed{gen: gen, nc: nc, err: err, addr: addr}
	})
}

func (w *WorkerHandler) dialDone(c actor.Context, m *dialed) {
	if m.gen != w.gen || w.state != stateDialing {
		if m.nc != nil {
			_ = m.nc.Close()
		}
		return
	}
	if m.err != nil {
		w.state = stateDisconnected
		if w.tryNext(c) {
			w.log.Debugf("Could not connect to a master at %s: %v; trying the next address.", m.addr, m.err)
			return
		}
		if errors.Is(m.err, syscall.ECONNREFUSED) {
			w.log.Errorf("Could not connect to master. Trying again in %s.", seconds(w.retryDelay()))
		} else {
			w.log.Errorf("Could not connect to master: %v. Trying again in %s.", m.err, seconds(w.retryDelay()))
		}
		w.retry.after(w.kit, w.retryDelay(), c.Self(), &connectNow{})
		return
	}
	cfg, err := w.settings.clusterConnConfig(w.kit)
	if err != nil {
		// SpawnTree refuses such a key; the connection is closed rather than left in clear.
		_ = m.nc.Close()
		w.state = stateDisconnected
		w.log.WithError(err).Errorf("Could not connect to master. Trying again in %s.", seconds(w.retryDelay()))
		w.retry.after(w.kit, w.retryDelay(), c.Self(), &connectNow{})
		return
	}
	l := startLink(w.kit, m.nc, cfg, c.Self(), nil)
	files := wire.NewFileReceiver(w.settings.Home)
	if w.tasks.IntegritySync != nil {
		files.Follow(followTo(w.kit.System.Root, w.tasks.IntegritySync))
	}
	w.sess = newSession(w.kit, w.log, l, w.settings.RequestTimeout, files)
	w.state = stateHelloSent
	hello := messages.Hello{Name: w.settings.NodeName, Cluster: w.settings.ClusterName, NodeType: TypeWorker, Version: w.settings.Version}
	w.sess.request(c, &SendRequest{Command: messages.CmdHello, Payload: hello.Encode(), Tag: helloTag{}, ReplyTo: c.Self()})
}

func (w *WorkerHandler) helloAnswered(c actor.Context, m *Response) {
	if w.state != stateHelloSent {
		return
	}
	if m.Err != nil {
		w.log.Errorf("Could not connect to master: %v.", m.Err)
		w.sess.close(c, m.Err)
		return
	}
	w.state = stateConnected
	w.tried = 0
	if err := os.MkdirAll(w.settings.QueueDir(w.settings.NodeName), 0o770); err != nil {
		w.log.WithError(err).Error("Could not create the queue folder.")
	}
	w.log.Info("Successfully connected to master.")
	// Before any integrity check: the master handles a connection's requests in order.
	caps := capsTag{link: w.sess.link, nonce: wire.NewLinkNonce()}
	w.sess.request(c, &SendRequest{Command: CmdCapabilities, Payload: []byte(integrity.CapPackageS2 + " " + CapSendsyncInline + " " + caps.nonce.Offer()),
		Tag: caps, ReplyTo: c.Self()})
	w.tellTasks(c, &masterLink{up: true})
}

// capabilitiesAccepted takes up what the master said it uses: the link cipher is switched on
// here; the package format needs nothing on this side (the reader tells the formats apart).
func (w *WorkerHandler) capabilitiesAccepted(tag capsTag, used []byte) {
	w.log.Debugf("The master uses: %s", messages.ClipForLog(string(used)))
	if w.sess == nil || w.sess.link != tag.link {
		return // an answer on a connection that has ended meanwhile
	}
	for tok := range strings.FieldsSeq(string(used)) {
		master, ok := wire.ParseLinkOffer(tok)
		if !ok {
			continue
		}
		if _, err := tag.link.conn.UseLinkCipher(tag.nonce, master, false); err != nil {
			w.log.WithError(err).Warn("Could not use the link cipher; Fernet it stays.")
		}
		return
	}
}

// tellTasks tells every task actor of the worker that the master link changed.
func (w *WorkerHandler) tellTasks(c actor.Context, m *masterLink) {
	for _, pid := range []*actor.PID{w.tasks.IntegritySync, w.tasks.Sendsync, w.tasks.AgentGroups, w.tasks.AgentInfo} {
		w.tell(c, pid, m)
	}
}

// tell sends m to one of the worker's task actors.
func (w *WorkerHandler) tell(c actor.Context, task *actor.PID, m any) {
	if task != nil {
		c.Send(task, m)
	}
}

func (w *WorkerHandler) request(c actor.Context, f messages.Frame) {
	switch f.Command {
	case messages.CmdEchoM:
		w.sess.respond(f.Counter, messages.CmdOKC, f.Payload)
	case messages.CmdSynMCOK:
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Thanks"))
		w.tell(c, w.tasks.IntegritySync, &integrityNotRequired{})
	case messages.CmdSynMC:
		w.integTask = newTaskID()
		w.sess.respond(f.Counter, messages.CmdOK, []byte(w.integTask))
		w.tell(c, w.tasks.IntegritySync, &integrityExpect{task: w.integTask})
	case messages.CmdSynMCE:
		tf, err := messages.ParseTaskFile(f.Payload)
		var rel string
		if err == nil {
			rel, err = packagePath(w.settings.Home, w.settings.NodeName, tf.Path)
		}
		if err != nil || tf.TaskID != w.integTask || w.integTask == "" {
			w.sess.respondError(f.Counter, messages.ErrUnknownTask.With(tf.TaskID))
			return
		}
		w.integTask = ""
		w.sess.respond(f.Counter, messages.CmdOK, []byte("File correctly received"))
		w.tell(c, w.tasks.IntegritySync, &integrityPackage{rel: rel})
	case messages.CmdSynMCR:
		w.integTask = ""
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Error received"))
		w.tell(c, w.tasks.IntegritySync, &integrityMasterError{text: taskErrorText(f.Payload)})
	case CmdIntegrityNow:
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Checking now"))
		w.tell(c, w.tasks.IntegritySync, &checkIntegrityNow{})
	case messages.CmdSynMAE, messages.CmdSynMAErr:
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Thanks"))
		w.tell(c, w.tasks.AgentInfo, &agentInfoResult{failed: f.Command == messages.CmdSynMAErr, payload: f.Payload})
	case messages.CmdSynGMW, messages.CmdSynGMWC:
		w.agentGroups(c, f)
	case messages.CmdSendSynRes:
		res, err := messages.ParseSendSyncResult(f.Payload)
		if err != nil {
			w.sess.respondError(f.Counter, messages.ErrJSONNotLoaded.With(err.Error()))
			return
		}
		data, ok := w.sess.strings.Take(res.StringID)
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Response forwarded to worker"))
		arrived := &sendsyncArrived{client: res.Client, data: data}
		if !ok {
			arrived.err = messages.ErrStringNotFound.With(res.StringID)
		}
		w.tell(c, w.tasks.Sendsync, arrived)
	case CmdSendSyncInline:
		res, err := messages.ParseSendSyncAnswer(f.Payload)
		if err != nil {
			w.sess.respondError(f.Counter, messages.ErrJSONNotLoaded.With(err.Error()))
			return
		}
		if len(res.Answer) > maxInlineSendsyncAnswer {
			w.sess.respondError(f.Counter, messages.ErrPayloadTooLarge.With(fmt.Sprintf("sendsync answer of %d bytes", len(res.Answer))))
			return
		}
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Response forwarded to worker"))
		w.tell(c, w.tasks.Sendsync, &sendsyncArrived{client: res.Client, data: res.Answer})
	case messages.CmdSendSynErr:
		e, err := messages.ParseSendSyncError(f.Payload)
		w.sess.respond(f.Counter, messages.CmdOK, []byte("Response forwarded to worker"))
		if err == nil {
			w.tell(c, w.tasks.Sendsync, &sendsyncArrived{client: e.Client, err: &masterDaemonError{text: e.Text}})
		}
	case messages.CmdDapi:
		w.dapiRequest(c, f)
	case messages.CmdDapiRes, messages.CmdDapiErr:
		w.dapiAnswered(c, f)
	default:
		if !w.sess.handleCommon(f) {
			w.sess.respondUnknown(f)
		}
	}
}

func (w *WorkerHandler) refuse(c actor.Context, m *SendRequest) {
	resp := &Response{Tag: m.Tag, Err: messages.ErrWorkerNotConnected.New()}
	if m.Reply != nil {
		select {
		case m.Reply <- resp:
		default:
		}
		return
	}
	if c.Sender() != nil {
		c.Send(c.Sender(), resp)
	}
}

func (w *WorkerHandler) lost(c actor.Context, err error) {
	switch {
	case w.state == stateConnected && (err == nil || errors.Is(err, os.ErrClosed) || isEOF(err)):
		w.log.Info("The master closed the connection")
	case w.state == stateConnected:
		w.log.Errorf("Connection closed due to an unhandled error: %v", err)
	}
	w.sess.close(c, ErrConnectionLost)
	w.sess = nil
	w.probe.settle() // a probe of the lost connection must not close the next one
	w.integTask = ""
	w.state = stateDisconnected
	// The local clients' requests end now: their answers would come on this connection only.
	w.dapi.failAll(c, messages.ErrWorkerNotConnected.New())
	w.tellTasks(c, &masterLink{up: false})
	_ = os.RemoveAll(w.settings.QueueDir(w.settings.NodeName))
	if w.tryNext(c) {
		w.log.Info("Connection with server has been lost. Trying the next master address.")
		return
	}
	w.log.Infof("Connection with server has been lost. Reconnecting in %s.", seconds(w.retryDelay()))
	w.retry.after(w.kit, w.retryDelay(), c.Self(), &connectNow{})
}

// masterIP is the address to dial: nodes[0], or in turn each of the master-eligible nodes.
func (w *WorkerHandler) masterIP() string {
	if len(w.settings.MasterIPs) > 1 {
		return w.settings.MasterIPs[w.next%len(w.settings.MasterIPs)]
	}
	return w.settings.NodeIP
}

// retryDelay is how long the handler waits before it dials again: connection_retry, or with
// several master-eligible addresses at most a second, so that a worker finds a newly elected
// acting master within about a second of its election rather than a connection_retry (10 s by
// default) later. Each round is one refused dial per address.
func (w *WorkerHandler) retryDelay() time.Duration {
	if len(w.settings.MasterIPs) > 1 {
		return min(w.settings.ConnectionRetry, time.Second)
	}
	return w.settings.ConnectionRetry
}

// tryNext moves to the next master address after a failure and dials it at once, unless every
// address failed in a row since the last wait: then the caller waits connection_retry. Only
// the acting master of a replicated group accepts workers (the standbys do not listen), so
// a worker finds it within one round.
func (w *WorkerHandler) tryNext(c actor.Context) bool {
	if len(w.settings.MasterIPs) <= 1 {
		return false
	}
	w.next++
	w.tried++
	if w.tried >= len(w.settings.MasterIPs) {
		w.tried = 0
		return false
	}
	w.dial(c)
	return true
}

func (w *WorkerHandler) memberEvent(c actor.Context, m *MemberEvent) {
	if m.Type != TypeMaster {
		return
	}
	switch {
	case !m.Up && w.state == stateConnected:
		// Gossip alone does not end a connection that still answers (see liveness_probe.go).
		w.log.Info("Memberlist reports the master as gone; probing the connection.")
		w.probe.start(c, w.kit, w.sess, messages.CmdEchoC, probeTimeout(w.settings), &probeLink{reason: "memberlist reports the master as gone"})
	case !m.Up && w.sess != nil:
		w.log.Info("Memberlist reports the master as gone; closing the connection.")
		w.sess.close(c, ErrConnectionLost)
	case m.Up && w.state == stateDisconnected:
		// The master is back: do not wait for the rest of connection_retry.
		w.retry.stop()
		w.dial(c)
	}
}

func seconds(d interface{ Seconds() float64 }) string {
	return fmt.Sprintf("%g seconds", d.Seconds())
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) }
