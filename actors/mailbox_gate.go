package actors

import (
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// gatedMailbox holds the messages posted to an actor while the actor library is still
// spawning it, and passes them on, in order, once the spawn has started the mailbox.
//
// The library registers a new actor's PID before it hands the mailbox its dispatcher. A message
// posted in between (to a PID named in the Directory, which publishes a role's addresses before
// the role starts) made the mailbox call a nil dispatcher: the sender failed, and the mailbox
// stayed marked as scheduled with nothing running it. The new actor then never started nor
// stopped, and its parent's stop, which waits for every child, waited for ever.
func gatedMailbox(producer actor.MailboxProducer) actor.MailboxProducer {
	return func() actor.Mailbox { return &mailboxGate{inner: producer()} }
}

type mailboxGate struct {
	inner actor.Mailbox
	open  atomic.Bool

	mu    sync.Mutex
	early []earlyPost // posted before the mailbox started
}

type earlyPost struct {
	system  bool
	message any
}

// PostUserMessage implements actor.Mailbox.
func (g *mailboxGate) PostUserMessage(message any) {
	if g.open.Load() || !g.hold(false, message) {
		g.inner.PostUserMessage(message)
	}
}

// PostSystemMessage implements actor.Mailbox.
func (g *mailboxGate) PostSystemMessage(message any) {
	if g.open.Load() || !g.hold(true, message) {
		g.inner.PostSystemMessage(message)
	}
}

// hold keeps message until the mailbox starts, and reports whether it did (false: it has
// started meanwhile, and message goes through).
func (g *mailboxGate) hold(system bool, message any) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open.Load() {
		return false
	}
	g.early = append(g.early, earlyPost{system: system, message: message})
	return true
}

// RegisterHandlers implements actor.Mailbox.
func (g *mailboxGate) RegisterHandlers(invoker actor.MessageInvoker, dispatcher actor.Dispatcher) {
	g.inner.RegisterHandlers(invoker, dispatcher)
}

// Start implements actor.Mailbox. The spawn calls it after RegisterHandlers and after posting
// Started (held here too). The held messages go through in three passes, each in the order
// they came: Started, the other system messages, the user messages. The mailbox may run as
// soon as the first is posted, so the actor handles Started before anything else, as it would
// have, had nothing come early.
func (g *mailboxGate) Start() {
	g.inner.Start()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, pass := range []func(earlyPost) bool{
		func(p earlyPost) bool { _, started := p.message.(*actor.Started); return p.system && started },
		func(p earlyPost) bool { _, started := p.message.(*actor.Started); return p.system && !started },
		func(p earlyPost) bool { return !p.system },
	} {
		for _, p := range g.early {
			switch {
			case !pass(p):
			case p.system:
				g.inner.PostSystemMessage(p.message)
			default:
				g.inner.PostUserMessage(p.message)
			}
		}
	}
	g.early = nil
	g.open.Store(true)
}

// UserMessageCount implements actor.Mailbox.
func (g *mailboxGate) UserMessageCount() int { return g.inner.UserMessageCount() }
