package actors

import (
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// Keepalive sends echo-c to the master every keep_alive while connected (§8). After
// max_failed_keepalive_attempts failures in a row it tells the worker handler to disconnect,
// which makes it reconnect.
type Keepalive struct {
	kit      *Kit
	settings Settings
	master   *actor.PID
	log      *logrus.Entry

	tick     timer
	failures int
}

type keepaliveTick struct{}

// NewKeepalive returns the producer of a worker's keepalive actor; master is the worker
// handler's PID.
func NewKeepalive(kit *Kit, settings Settings, master *actor.PID) actor.Producer {
	return func() actor.Actor {
		return &Keepalive{kit: kit, settings: settings, master: master,
			log: kit.Logger("Worker "+settings.NodeName, "Keep Alive")}
	}
}

// Receive implements actor.Actor.
func (k *Keepalive) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		k.tick.after(k.kit, k.settings.KeepAlive, c.Self(), &keepaliveTick{})
	case *keepaliveTick:
		c.Request(k.master, &SendRequest{Command: messages.CmdEchoC, Payload: []byte("keepalive")})
	case *Response:
		k.answered(c, m)
		k.tick.after(k.kit, k.settings.KeepAlive, c.Self(), &keepaliveTick{})
	case *actor.Restarting, *actor.Stopping:
		k.tick.stop()
	}
}

func (k *Keepalive) answered(c actor.Context, m *Response) {
	switch {
	case m.Err == nil:
		k.failures = 0
		k.log.Infof("Successful response from master: %s", messages.ClipForLog(string(m.Frame.Payload)))
	case errors.Is(m.Err, messages.ErrWorkerNotConnected):
		// Not connected: nothing to keep alive, and not a failure of the link.
		k.failures = 0
	default:
		k.failures++
		k.log.Errorf("Error sending keep alive: %v", m.Err)
		if k.failures >= k.settings.MaxFailedKeepaliveAttempts {
			k.log.Error("Maximum number of failed keep alives reached. Disconnecting.")
			k.failures = 0
			c.Send(k.master, &Disconnect{Reason: "too many failed keep alives"})
		}
	}
}
