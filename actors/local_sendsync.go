package actors

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/clusterd/clusterd/messages"
)

// localSendsyncDone carries a local sendsync answer back to the connection's actor.
type localSendsyncDone struct {
	counter uint32
	data    []byte
	err     error
}

// sendsync serves a local daemon's (or a command-line tool's) request for a master daemon:
// the master runs it itself; a worker forwards it to its master and answers when the master
// does, or with the error that says why it cannot (3023 when the master is not connected).
func (l *LocalConn) sendsync(c actor.Context, f messages.Frame) {
	root, self, kit, s := l.kit.System.Root, c.Self(), l.kit, l.settings
	counter, payload := f.Counter, f.Payload
	kit.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.SendsyncTimeout+s.RequestTimeout)
		defer cancel()
		done := &localSendsyncDone{counter: counter}
		defer func() { root.Send(self, done) }()
		if !s.IsMaster() {
			done.data, done.err = Forward(ctx, kit, payload)
			return
		}
		req, err := messages.ParseSendSyncBody(payload)
		if err != nil {
			done.err = messages.ErrJSONNotLoaded.With(err.Error())
			return
		}
		done.data, done.err = dispatchDaemon(ctx, s.Services.Daemons, req)
	})
}
