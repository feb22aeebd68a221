package actors

import (
	"math/rand/v2"
	"net"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// LocalServer accepts connections on a node's Unix socket and gives each one its own actor.
// It serves two sockets: Wazuh's c-internal.sock (cluster_control, the API, local daemons) and
// clusterd's actorctl.sock (introspection and chaos levers).
type LocalServer struct {
	kit    *Kit
	socket *Socket
	log    *logrus.Entry
	conn   func(name string, nc net.Conn) actor.Producer
	loop   *acceptLoop
}

// NewLocalServer returns the producer of the Wazuh local server (c-internal.sock). It serves
// whatever role the node runs: its connections find the role's actors in the Directory.
func NewLocalServer(kit *Kit, settings Settings, socket *Socket) actor.Producer {
	return func() actor.Actor {
		return &LocalServer{kit: kit, socket: socket, log: kit.Logger("Local Server", "Main"),
			conn: func(name string, nc net.Conn) actor.Producer {
				return newLocalConn(kit, settings, name, nc)
			}}
	}
}

// NewControlServer returns the producer of the introspection server (actorctl.sock).
func NewControlServer(kit *Kit, settings Settings, socket *Socket) actor.Producer {
	return func() actor.Actor {
		return &LocalServer{kit: kit, socket: socket, log: kit.Logger("Control", "Main"),
			conn: func(name string, nc net.Conn) actor.Producer { return newControlConn(kit, settings, nc) }}
	}
}

// Receive implements actor.Actor.
func (s *LocalServer) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		ln, err := s.socket.get()
		if err != nil {
			panic(err)
		}
		s.log.Infof("Serving on %s", ln.Addr())
		s.loop = startAcceptLoop(ln, s.kit.System.Root, c.Self())
	case *accepted:
		// Wazuh names each local client with a random number in [0, 2^20); the name is how
		// answers relayed by the master find their way back.
		for range 8 {
			name := strconv.Itoa(rand.IntN(1 << 20))
			if _, err := s.kit.Spawn(c, name, s.conn(name, m.nc)); err == nil {
				return
			}
		}
		_ = m.nc.Close()
	case *actor.Restarting:
		s.loop.halt()
	case *actor.Stopping:
		s.loop.halt()
		s.socket.Close()
	}
}
