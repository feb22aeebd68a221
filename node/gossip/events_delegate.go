package gossip

import (
	"sync"

	"github.com/hashicorp/memberlist"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
)

// eventDelegate is memberlist's EventDelegate. memberlist calls it with its
// node lock held, from several goroutines but never concurrently, so it only
// records the change and hands it to notify, which must not block.
type eventDelegate struct {
	self  string
	table *memberTable
	log   *logrus.Entry

	mu     sync.Mutex // held while notify runs, so stop() waits for an in-flight event
	notify func(Event)
}

var _ memberlist.EventDelegate = (*eventDelegate)(nil)

func (d *eventDelegate) NotifyJoin(n *memberlist.Node)   { d.handle(EventJoin, n) }
func (d *eventDelegate) NotifyLeave(n *memberlist.Node)  { d.handle(EventLeave, n) }
func (d *eventDelegate) NotifyUpdate(n *memberlist.Node) { d.handle(EventUpdate, n) }

func (d *eventDelegate) handle(kind EventKind, n *memberlist.Node) {
	meta, err := DecodeMeta(n.Meta)
	if err != nil {
		// metaFilter keeps such members out; a failure here means memberlist
		// reported a member without going through NotifyAlive.
		d.log.WithError(err).WithField("member", messages.ClipForLog(n.Name)).Warn("gossip: member with unreadable meta")
	}
	member := Member{Name: n.Name, Addr: n.Address(), Meta: meta}
	if kind == EventLeave {
		d.table.setDead(member)
	} else {
		d.table.setAlive(member)
	}
	if n.Name == d.self {
		return
	}
	event := Event{
		Kind: kind,
		Name: member.Name,
		Addr: member.Addr,
		Meta: meta,
		// memberlist reports the same node state for a failure and a leave
		// (hashicorp/memberlist#293); the leaving member's last meta tells them apart.
		Left: kind == EventLeave && meta.State == StateLeaving,
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.notify != nil {
		d.notify(event)
	}
}

// stop drops every later event; once it returns, notify is never called again.
func (d *eventDelegate) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.notify = nil
}
