package actors

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// stopGuard keeps a failure while an actor stops or restarts (in its Stopping, Stopped or
// Restarting, or in the end of a child it hears of meanwhile) from reaching its supervisor.
// The actor library would otherwise leave the stop half done and restart the actor, and the
// parent, itself stopping, would wait for that child for ever: the node's shutdown would hang.
// The failure is logged, with the actor's path, and the stop goes on.
func stopGuard(rec *record, log *logrus.Entry) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			var phase string
			switch env.Message.(type) {
			case *actor.Stopping, *actor.Stopped:
				phase = "stopping"
			case *actor.Restarting:
				phase = "restarting"
			case *actor.Terminated:
				if s := rec.state.Load(); s != nil && (*s == StateStopping || *s == StateRestarting) {
					phase = *s
				}
			}
			if phase == "" {
				next(c, env)
				return
			}
			defer func() {
				if r := recover(); r != nil {
					log.Errorf("Actor %s failed while %s: %v", c.Self().Id, phase, r)
				}
			}()
			next(c, env)
		}
	}
}
