package actors

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// handshake owns a freshly accepted worker connection until its hello succeeds (§4.2). It
// refuses every other command until then (Wazuh accepts them; we do not), checks the name
// format (3060) and hands the hello to the peers supervisor, which checks 3028, 3029, 3030 and
// 3031 and spawns the worker's handler. On success the connection is handed to that handler.
type handshake struct {
	kit      *Kit
	settings Settings
	conn     *handshakeConn
	peers    *actor.PID
	log      *logrus.Entry

	sess         *session
	helloTimer   timer
	registering  bool
	handedOver   bool
	rejected     bool
	helloCounter uint32
	early        []messages.Frame
}

// handshakeConn survives a restart of the handshake actor, so the new instance knows the
// connection was already in use and gives it up instead of reading it twice.
type handshakeConn struct {
	nc      net.Conn
	release func()
	link    *link
}

type helloTimeout struct{}

// rejectGrace is how long a refused peer has to read the answer before the connection is
// closed; a Wazuh worker closes it itself as soon as it reads the err.
const rejectGrace = 500 * time.Millisecond

// registerWorker asks the peers supervisor to admit the worker that sent hello.
type registerWorker struct {
	hello   messages.Hello
	link    *link
	counter uint32
}

// registerResult is the peers supervisor's verdict on a registerWorker.
type registerResult struct {
	handler *actor.PID
	err     *messages.WazuhError
}

func newHandshake(kit *Kit, settings Settings, nc net.Conn, peers *actor.PID, release func()) actor.Producer {
	hc := &handshakeConn{nc: nc, release: release}
	return func() actor.Actor {
		return &handshake{kit: kit, settings: settings, conn: hc, peers: peers, log: kit.Logger("Master", "Main")}
	}
}

// Receive implements actor.Actor.
func (h *handshake) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		if h.conn.link != nil {
			// Restarted after a failure: the connection's state is unknown, so give it up.
			h.conn.link.close()
			c.Stop(c.Self())
			return
		}
		cfg, err := h.settings.acceptedConnConfig(h.kit)
		if err != nil {
			// SpawnTree refuses such a key; a connection is closed rather than left in clear.
			h.log.WithError(err).Error("Closing an incoming connection.")
			_ = h.conn.nc.Close()
			h.conn.release()
			c.Stop(c.Self())
			return
		}
		h.conn.link = startLink(h.kit, h.conn.nc, cfg, c.Self(), h.conn.release)
		h.sess = newSession(h.kit, h.log, h.conn.link, h.settings.RequestTimeout, nil)
		h.helloTimer.after(h.kit, h.settings.HelloTimeout, c.Self(), &helloTimeout{})
	case *inboundFrame:
		h.frame(c, m.frame)
	case *registerResult:
		h.registered(c, m)
	case *helloTimeout:
		if h.rejected || !h.registering {
			h.log.Warnf("No hello received from %s within %s; closing the connection.", h.conn.link.remoteIP, h.settings.HelloTimeout)
			h.conn.link.close()
		}
	case *linkClosed:
		if !h.handedOver {
			if errors.Is(m.err, wire.ErrPreAuthTooLarge) {
				h.log.Warnf("Connection from %s closed: %v", h.conn.link.remoteIP, m.err)
			}
			h.log.Info("Error during handshake with incoming connection.")
			c.Stop(c.Self())
		}
	case *actor.Restarting:
		h.helloTimer.stop()
		h.conn.link.close()
	case *actor.Stopping:
		h.helloTimer.stop()
		if !h.handedOver && h.conn.link != nil {
			h.conn.link.close()
		}
	}
}

func (h *handshake) frame(c actor.Context, f messages.Frame) {
	if h.rejected {
		return
	}
	if h.registering {
		h.early = append(h.early, f)
		return
	}
	if f.Command != messages.CmdHello {
		h.sess.respondError(f.Counter, messages.ErrCluster.With(
			fmt.Sprintf("command %s refused before a successful hello", f.Command)))
		return
	}
	hello, err := messages.ParseHello(f.Payload)
	if err != nil {
		h.sess.respondError(f.Counter, messages.ErrInternal.With(err.Error()))
		return
	}
	if !messages.ValidNodeName(hello.Name) {
		// The name is echoed as Wazuh does, but never more of it than a log line shows.
		h.reject(c, f.Counter, messages.ErrInvalidNodeName.With(messages.ClipForLog(hello.Name)))
		return
	}
	h.registering = true
	h.helloCounter = f.Counter
	h.helloTimer.stop()
	c.Request(h.peers, &registerWorker{hello: hello, link: h.conn.link, counter: f.Counter})
}

func (h *handshake) registered(c actor.Context, m *registerResult) {
	if m.err != nil {
		h.registering = false
		h.reject(c, h.helloCounter, m.err)
		return
	}
	h.handedOver = true
	for _, f := range h.early {
		c.Send(m.handler, &inboundFrame{link: h.conn.link, frame: f})
	}
	c.Stop(c.Self())
}

// reject answers the hello with err and closes the connection shortly after; the Python
// master leaves closing to the worker, which a hostile peer would not do.
func (h *handshake) reject(c actor.Context, counter uint32, e *messages.WazuhError) {
	// Every refusal's extra text is bounded where it is made (a valid name, or ClipForLog).
	h.log.Warnf("Hello from %s refused: %s", h.conn.link.remoteIP, e.Error())
	h.rejected = true
	h.sess.respondError(counter, e)
	h.helloTimer.after(h.kit, rejectGrace, c.Self(), &helloTimeout{})
}
