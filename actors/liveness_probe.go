package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// A connection is closed on hearsay only after it failed to answer. memberlist's probes (a
// few hundred milliseconds over UDP) call a node gone when it is merely busy, and closing a
// live connection then costs a reconnect and a resync; a reconnecting worker whose previous
// connection the master still holds would be refused (3028). In both cases the handler that
// owns the connection first sends an echo over it: any answer within the probe timeout keeps
// it, silence closes it. Any frame read from the peer while a probe waits answers it as well:
// a peer busy sending (a file, agent-info) answers the echo only after what it queued before
// it, and a link that delivers data is alive.

// probeLink asks a handler to check that its connection answers, and to close it otherwise.
type probeLink struct {
	reason string
	// replyTo, when set, receives a *probeVerdict with the outcome.
	replyTo *actor.PID
	name    string
}

// probeVerdict tells whether a probed connection answered.
type probeVerdict struct {
	name  string
	alive bool
}

// probeTag marks the echo of one probe.
type probeTag struct{ id uint64 }

// probeExpired is the timer shot of one probe.
type probeExpired struct{ id uint64 }

// linkProbe is a handler's probe of its connection; one at a time, later requests join it.
type linkProbe struct {
	lastID  uint64
	pending uint64
	timer   timer
	waiting []*probeLink
}

// probeTimeout is how long a probed connection has to answer: a quarter of the request
// timeout, at most maxProbeTimeout. Every second waited here is added to the time a node cut
// off the network keeps its place (memberlist's 2-3 s detection, plus this); too short a wait
// turns a starved node into a storm of reconnections and restarted syncs, which starves it
// more. In a shape run of 51 processes on two cores, a master took over a second to answer an
// echo for minutes, and a 1 s timeout closed worker connections one after another.
func probeTimeout(s Settings) time.Duration {
	return max(min(s.RequestTimeout/4, maxProbeTimeout), 100*time.Millisecond)
}

// maxProbeTimeout bounds probeTimeout whatever timeout_cluster_request says: twice the old
// second, and a vanished host still gone from the master within about 5 s.
const maxProbeTimeout = 2 * time.Second

// start sends command (an echo the peer answers) over sess unless a probe is in flight.
func (p *linkProbe) start(c actor.Context, kit *Kit, sess *session, command string, timeout time.Duration, req *probeLink) {
	p.waiting = append(p.waiting, req)
	if p.pending != 0 {
		return
	}
	p.lastID++
	p.pending = p.lastID
	sess.request(c, &SendRequest{Command: command, Payload: []byte("liveness probe"), Tag: probeTag{id: p.pending}, ReplyTo: c.Self()})
	p.timer.after(kit, timeout, c.Self(), &probeExpired{id: p.pending})
}

// answered handles the response to a probe's echo: only an answer read from the peer counts,
// not a local failure (queue full, connection lost, overdue). It returns the probe requests
// settled, and whether the connection answered.
func (p *linkProbe) answered(m *Response, tag probeTag) (settled []*probeLink, alive bool) {
	if tag.id != p.pending {
		return nil, false
	}
	return p.settle(), m.Frame.Command != ""
}

// heard handles any frame read from the peer: it answers the probe in flight, if any. It
// returns the probe requests settled (none when no probe waits).
func (p *linkProbe) heard() []*probeLink {
	if p.pending == 0 {
		return nil
	}
	return p.settle()
}

// expired handles the probe's timer; it returns the probe requests settled (none for a stale shot).
func (p *linkProbe) expired(m *probeExpired) []*probeLink {
	if m.id != p.pending {
		return nil
	}
	return p.settle()
}

func (p *linkProbe) settle() []*probeLink {
	p.timer.stop()
	p.pending = 0
	settled := p.waiting
	p.waiting = nil
	return settled
}

// stop cancels the probe's timer (Restarting, Stopping).
func (p *linkProbe) stop() { p.timer.stop() }

// reportProbe tells every requester that asked for a verdict.
func reportProbe(c actor.Context, settled []*probeLink, alive bool) {
	for _, req := range settled {
		if req.replyTo != nil {
			c.Send(req.replyTo, &probeVerdict{name: req.name, alive: alive})
		}
	}
}

// probeReason is the reason of the first settled request, for the log.
func probeReason(settled []*probeLink) string {
	if len(settled) == 0 {
		return ""
	}
	return settled[0].reason
}

// probeOutcome is what a handler does with a settled probe: report it, and close the
// connection if it did not answer.
func probeOutcome(c actor.Context, log interface {
	Infof(string, ...any)
	Warnf(string, ...any)
}, sess *session, settled []*probeLink, alive bool, timeout time.Duration) {
	if len(settled) == 0 {
		return
	}
	reportProbe(c, settled, alive)
	if alive {
		log.Infof("The connection answers its liveness probe (%s); keeping it.", probeReason(settled))
		return
	}
	log.Warnf("No answer to a liveness probe within %s (%s); closing the connection.", timeout, probeReason(settled))
	if sess != nil {
		sess.close(c, ErrConnectionLost)
	}
}
