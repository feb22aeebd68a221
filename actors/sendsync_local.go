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
	kit, s := l.kit, l.settings
	counter, payload := f.Counter, f.Payload
	master := kit.Directory.Role() == RoleMaster
	l.work.Run(c, s.SendsyncTimeout+s.RequestTimeout, func(ctx context.Context) any {
		done := &localSendsyncDone{counter: counter}
		if !master {
			done.data, done.err = Forward(ctx, kit, payload)
			return done
		}
		req, err := messages.ParseSendSyncBody(payload)
		if err != nil {
			done.err = messages.ErrJSONNotLoaded.With(err.Error())
			return done
		}
		done.data, done.err = dispatchDaemon(ctx, s.Services.Daemons, req)
		return done
	})
}
