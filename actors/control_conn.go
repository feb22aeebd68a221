package actors

import (
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// Commands of the introspection socket (actorctl.sock). They use the cluster framing without
// encryption, like c-internal.sock, but are clusterd's own.
const (
	CmdActors = "actors"
	CmdKill   = "kill"
	CmdFault  = "fault"
	// CmdReplication answers the node's ReplicationStatus (a master-eligible node).
	CmdReplication = "replication"
)

// Kill modes.
const (
	KillStop  = "stop"  // stop the actor; its supervisor spawns it again
	KillPanic = "panic" // make it fail on its next message; its supervisor restarts it in place
)

// ActorsReply is the answer to the actors command.
type ActorsReply struct {
	Node        string               `json:"node"`
	Actors      []messages.ActorInfo `json:"actors"`
	DeadLetters int64                `json:"dead_letters"`
	FaultSeed   int64                `json:"fault_seed"`
	Notes       map[string]string    `json:"notes,omitempty"`
}

// KillRequest is the payload of the kill command.
type KillRequest struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
}

// FaultRequest is the payload of the fault command: install Fault on Path, or clear it when
// Clear is set.
type FaultRequest struct {
	Path  string `json:"path"`
	Fault Fault  `json:"fault"`
	Clear bool   `json:"clear"`
}

// killDelay is how long a stop or failure requested over the socket waits for its answer to go out.
const killDelay = 20 * time.Millisecond

// Poke is a message that does nothing; a kill in panic mode sends it so the armed fault fires
// at once even on an idle actor.
type Poke struct{}

// ControlConn serves one client of the introspection socket.
type ControlConn struct {
	kit      *Kit
	settings Settings
	nc       *handshakeConn
	log      *logrus.Entry
	sess     *session
}

func newControlConn(kit *Kit, settings Settings, nc net.Conn) actor.Producer {
	hc := &handshakeConn{nc: nc}
	return func() actor.Actor {
		return &ControlConn{kit: kit, settings: settings, nc: hc, log: kit.Logger("Control", "Main")}
	}
}

// Receive implements actor.Actor.
func (cc *ControlConn) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		if cc.nc.link != nil {
			cc.nc.link.close()
			c.Stop(c.Self())
			return
		}
		cc.nc.link = startLink(cc.kit, cc.nc.nc, cc.settings.localConnConfig(), c.Self(), nil)
		cc.sess = newSession(cc.kit, cc.log, cc.nc.link, cc.settings.RequestTimeout, nil)
	case *inboundFrame:
		cc.request(m.frame)
	case *linkClosed:
		c.Stop(c.Self())
	case *actor.Restarting, *actor.Stopping:
		if cc.sess != nil {
			cc.sess.close(c, ErrConnectionLost)
		}
	}
}

func (cc *ControlConn) request(f messages.Frame) {
	var payload []byte
	var err error
	switch f.Command {
	case CmdActors:
		payload, err = json.Marshal(ActorsReply{Node: cc.settings.NodeName, Actors: cc.kit.Registry.Snapshot(),
			DeadLetters: cc.kit.Registry.DeadLetters(), FaultSeed: cc.kit.Faults.Seed(), Notes: cc.kit.Registry.Notes()})
	case CmdKill:
		err = cc.kill(f.Payload)
		payload = []byte("ok")
	case CmdFault:
		err = cc.fault(f.Payload)
		payload = []byte("ok")
	case CmdReplication:
		if r := cc.settings.Services.Replication; r != nil {
			payload, err = json.Marshal(r.ReplicationStatus())
		} else {
			err = ErrNotReplicated
		}
	case messages.CmdEchoC:
		cc.sess.respond(f.Counter, messages.CmdOKM, f.Payload)
		return
	default:
		cc.sess.respondUnknown(f)
		return
	}
	if err != nil {
		cc.sess.respond(f.Counter, messages.CmdErr, []byte(err.Error()))
		return
	}
	cc.sess.respond(f.Counter, messages.CmdOK, payload)
}

func (cc *ControlConn) kill(p []byte) error {
	var req KillRequest
	if err := json.Unmarshal(p, &req); err != nil {
		return fmt.Errorf("bad kill request: %w", err)
	}
	if !cc.kit.Registry.Lookup(req.Path) {
		return fmt.Errorf("%w: %s", ErrUnknownActor, req.Path)
	}
	if req.Path == RootName {
		return fmt.Errorf("%s is the root of the node; stop the process instead", RootName)
	}
	pid := cc.kit.System.NewLocalPID(req.Path)
	switch req.Mode {
	case "", KillStop:
		cc.log.Warnf("Stopping actor %s on request.", messages.ClipForLog(req.Path))
		// Stop a moment after answering, so that killing this socket's own server (or an
		// ancestor of it) does not cut the answer off.
		root := cc.kit.System.Root
		time.AfterFunc(killDelay, func() { root.Stop(pid) })
	case KillPanic:
		cc.log.Warnf("Making actor %s fail on request.", messages.ClipForLog(req.Path))
		cc.kit.Faults.Set(req.Path, Fault{PanicOnNth: 1, Times: 1})
		// As for a stop: the answer goes out before the failure, which may take this very
		// socket's server (or an ancestor of it) down with it.
		root := cc.kit.System.Root
		time.AfterFunc(killDelay, func() { root.Send(pid, &Poke{}) })
	default:
		return fmt.Errorf("unknown kill mode %q (stop or panic)", req.Mode)
	}
	return nil
}

func (cc *ControlConn) fault(p []byte) error {
	var req FaultRequest
	if err := json.Unmarshal(p, &req); err != nil {
		return fmt.Errorf("bad fault request: %w", err)
	}
	if req.Clear {
		cc.kit.Faults.Clear(req.Path)
		return nil
	}
	cc.kit.Faults.Set(req.Path, req.Fault)
	return nil
}
