package actors

import (
	"net"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// link is one live connection and the actor that currently owns it. The reader goroutine
// delivers every frame to the owner; ownership moves once, from the handshake actor that read
// the hello to the handler spawned for the named worker, by swapping the target.
type link struct {
	conn     *wire.Conn
	remoteIP string
	target   atomic.Pointer[actor.PID]
	closed   atomic.Bool
}

// startLink wraps nc in a wire.Conn whose frames and end are delivered to owner; onClose (may be
// nil) runs once when the connection has ended, before the owner hears of it.
func startLink(kit *Kit, nc net.Conn, cfg wire.ConnConfig, owner *actor.PID, onClose func()) *link {
	l := &link{conn: wire.NewConn(nc, cfg), remoteIP: hostOf(nc.RemoteAddr())}
	l.target.Store(owner)
	root := kit.System.Root
	kit.started()
	l.conn.Start(
		func(f messages.Frame) { root.Send(l.target.Load(), &inboundFrame{link: l, frame: f}) },
		func(err error) {
			l.closed.Store(true)
			if onClose != nil {
				onClose()
			}
			root.Send(l.target.Load(), &linkClosed{link: l, err: err})
			kit.ended()
		},
	)
	return l
}

// handTo makes pid the owner of every frame read from now on.
func (l *link) handTo(pid *actor.PID) { l.target.Store(pid) }

// send queues a frame without blocking; a full queue is reported, never waited on.
func (l *link) send(f messages.Frame) error { return l.conn.Send(f) }

// close ends the connection; the owner then receives linkClosed.
func (l *link) close() { _ = l.conn.Close() }

func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
