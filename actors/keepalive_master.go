package actors

import (
	"github.com/asynkron/protoactor-go/actor"
)

// KeepaliveCheck makes the master drop workers that sent no echo-c for longer than
// max_allowed_time_without_keepalive, every check_worker_lastkeepalive (§8).
type KeepaliveCheck struct {
	kit      *Kit
	settings Settings
	peers    *actor.PID
	tick     timer
}

// NewKeepaliveCheck returns the producer of the master's keepalive-check actor.
func NewKeepaliveCheck(kit *Kit, settings Settings, peers *actor.PID) actor.Producer {
	return func() actor.Actor { return &KeepaliveCheck{kit: kit, settings: settings, peers: peers} }
}

// Receive implements actor.Actor.
func (k *KeepaliveCheck) Receive(c actor.Context) {
	switch c.Message().(type) {
	case *actor.Started:
		k.tick.after(k.kit, k.settings.CheckWorkerLastKeepalive, c.Self(), &keepaliveTick{})
	case *keepaliveTick:
		c.Send(k.peers, &checkKeepalives{now: k.kit.Now(), maxAge: k.settings.MaxAllowedTimeWithoutKeepalive})
		k.tick.after(k.kit, k.settings.CheckWorkerLastKeepalive, c.Self(), &keepaliveTick{})
	case *actor.Restarting, *actor.Stopping:
		k.tick.stop()
	}
}
