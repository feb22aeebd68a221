package actors

import (
	"net"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/messages/poll"
	"github.com/clusterd/clusterd/wire"
)

// handlerParent stands for Peers: it spawns a handler as its child and records its end.
type handlerParent struct {
	spawn   func(c actor.Context) error
	stopped atomic.Bool
}

func (p *handlerParent) Receive(c actor.Context) {
	switch c.Message().(type) {
	case *actor.Started:
		if err := p.spawn(c); err != nil {
			panic(err)
		}
	case *actor.Terminated:
		p.stopped.Store(true)
	}
}

// A worker that gives up waiting for the answer to its hello closes its connection while the
// handshake still owns it. The handler admitted for it afterwards must end, or it holds the
// worker's place and every later hello of that worker is refused with 3028.
func TestMasterHandlerOfAConnectionAlreadyClosedEnds(t *testing.T) {
	k := newTestKit(t)
	defer k.Wait(waitTimeout)
	client, server := net.Pipe()
	handshake := k.System.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	l := startLink(k, server, wire.ConnConfig{}, handshake, nil)
	client.Close()
	poll.Until(t, waitTimeout, "the connection ended", l.closed.Load)

	parent := &handlerParent{}
	role := &MasterRole{}
	parent.spawn = func(c actor.Context) error {
		role.Peers = c.Self()
		s := Settings{NodeName: "master", NodeType: TypeMaster, Home: t.TempDir(), RequestTimeout: waitTimeout}
		info := messages.NodeInfo{Name: "worker1", Type: TypeWorker, IP: "127.0.0.1"}
		_, err := k.Spawn(c, "worker1", newMasterHandler(k, s, role, l, info, 1))
		return err
	}
	parentPID := k.System.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return parent }))
	defer k.System.Root.Stop(parentPID)
	poll.Until(t, waitTimeout, "the handler of the closed connection ended", parent.stopped.Load)
	k.System.Root.Stop(handshake)
}
