package actors

import (
	"net"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/wire"
)

// Listener accepts worker connections on the cluster port (master only) and spawns one
// handshake actor per connection; at most MaxConnectionsPerIP at once from one address.
type Listener struct {
	kit      *Kit
	settings Settings
	socket   *Socket
	peers    *actor.PID
	limiter  *wire.IPLimiter
	log      *logrus.Entry

	loop *acceptLoop
	seq  int
}

// NewListener returns the producer of the master's listener actor.
func NewListener(kit *Kit, settings Settings, socket *Socket, peers *actor.PID) actor.Producer {
	limiter := wire.NewIPLimiter(wire.MaxConnectionsPerIP)
	return func() actor.Actor {
		return &Listener{kit: kit, settings: settings, socket: socket, peers: peers, limiter: limiter,
			log: kit.Logger("Master", "Main")}
	}
}

// Receive implements actor.Actor.
func (l *Listener) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		ln, err := l.socket.get()
		if err != nil {
			panic(err)
		}
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		l.log.Infof("Serving on ('%s', %s)", host, port)
		l.loop = startAcceptLoop(ln, l.kit.System.Root, c.Self())
	case *accepted:
		l.accept(c, m.nc)
	case *actor.Restarting:
		l.loop.halt()
	case *actor.Stopping:
		l.loop.halt()
		l.socket.Close()
	}
}

func (l *Listener) accept(c actor.Context, nc net.Conn) {
	ip := hostOf(nc.RemoteAddr())
	release, n, ok := l.limiter.Acquire(ip)
	if !ok {
		l.log.Warnf("Too many connections from %s (%d), rejecting.", ip, n)
		_ = nc.Close()
		return
	}
	host, port, _ := net.SplitHostPort(nc.RemoteAddr().String())
	l.log.Infof("Connection from ('%s', %s)", host, port)
	l.seq++
	name := "conn-" + strconv.Itoa(l.seq)
	_, err := l.kit.Spawn(c, name, newHandshake(l.kit, l.settings, nc, l.peers, release))
	if err != nil {
		release()
		_ = nc.Close()
		l.log.WithError(err).Error("Could not start a connection handler.")
	}
}
