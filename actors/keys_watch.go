package actors

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"
)

// keysPollInterval is how often a worker looks at etc/client.keys. A stat is cheap, and a new
// agent's key is usable on this worker within it once the integrity sync has brought the file.
const keysPollInterval = 250 * time.Millisecond

// KeysWatch is the worker's node/worker/keys: when etc/client.keys changes (the master's copy
// arrived through the integrity sync) it makes the worker's store match it. It also imports once at
// start, so a restart never leaves the store behind the file.
type KeysWatch struct {
	kit      *Kit
	settings Settings
	log      *logrus.Entry

	tick    timer
	seen    keysStamp
	running bool
	work    *offload
}

// keysStamp identifies one version of the file.
type keysStamp struct {
	size  int64
	mtime time.Time
	ino   uint64
	ok    bool
}

type keysTick struct{}

type keysImported struct {
	stamp keysStamp
	err   error
}

// NewKeysWatch returns the producer of the worker's keys actor.
func NewKeysWatch(kit *Kit, settings Settings) actor.Producer {
	return func() actor.Actor {
		return &KeysWatch{kit: kit, settings: settings, log: kit.Logger("Worker "+settings.NodeName, "Agent keys")}
	}
}

// Receive implements actor.Actor.
func (k *KeysWatch) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		k.work = newOffload(k.kit)
		if k.settings.Services.Keys == nil {
			return
		}
		k.check(c)
	case *keysTick:
		k.check(c)
	case *keysImported:
		k.running = false
		if m.err != nil {
			k.log.WithError(m.err).Error("Could not load client.keys into the agent database.")
		} else {
			k.seen = m.stamp
		}
		k.tick.after(k.kit, keysPollInterval, c.Self(), &keysTick{})
	case *actor.Restarting, *actor.Stopping:
		k.tick.stop()
		k.work.stop()
	}
}

func (k *KeysWatch) check(c actor.Context) {
	if k.running {
		return
	}
	stamp := statKeys(filepath.Join(k.settings.Home, "etc", "client.keys"))
	if stamp == k.seen {
		k.tick.after(k.kit, keysPollInterval, c.Self(), &keysTick{})
		return
	}
	k.running = true
	keys, step := k.settings.Services.Keys, k.settings.RequestTimeout
	// No deadline for the whole import: 100,000 agents on a worker sharing its cores with a busy
	// cluster take longer than any request, and an import cut short read and compared the whole
	// file again on every retry, so it could trail the master's file for many minutes. Each of
	// its transactions has the request's deadline instead, which still ends an import whose
	// store stopped answering.
	k.work.Run(c, 0, func(ctx context.Context) any {
		return &keysImported{stamp: stamp, err: keys.ImportKeys(ctx, step)}
	})
}

func statKeys(path string) keysStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return keysStamp{}
	}
	return keysStamp{size: fi.Size(), mtime: fi.ModTime(), ino: inodeOf(fi), ok: true}
}
