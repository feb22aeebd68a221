package actors

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// session is the request/response machinery of one connection, shared by the master's and the
// worker's handlers and by the local-socket connections: counters, the table of requests
// waiting for an answer (matched by the Wazuh counter, expired after timeout_cluster_request),
// and the receiving side of the long-string and file sub-protocols. It belongs to one actor and
// is only used from that actor's Receive.
type session struct {
	kit     *Kit
	log     *logrus.Entry
	link    *link
	counter *wire.Counter
	pending *wire.PendingTable[*pendingRequest]
	strings *wire.StringStore
	files   *wire.FileReceiver
	timeout time.Duration
	sweeper timer
	// cancelled holds the task ids the peer asked to cancel; transfer goroutines read it.
	cancelled *taskSet
}

// okM is the echo-c reply as a receiver parses it: Wazuh sends "ok-m " and the trailing space
// is padding once in the header.
var okM = strings.TrimSpace(messages.CmdOKM)

type pendingRequest struct {
	command string
	tag     any
	replyTo *actor.PID
	reply   chan<- *Response
}

// sweepPending makes the owner expire requests whose answer is overdue.
type sweepPending struct{ link *link }

func newSession(kit *Kit, log *logrus.Entry, l *link, timeout time.Duration, files *wire.FileReceiver) *session {
	return &session{
		kit:       kit,
		log:       log,
		link:      l,
		counter:   wire.NewCounter(),
		pending:   wire.NewPendingTable[*pendingRequest](),
		strings:   wire.NewStringStoreWithLimits(wire.StringStoreLimits{MaxTotal: wire.MaxTotalSize, Shared: kit.StringBudget}),
		files:     files,
		timeout:   timeout,
		cancelled: &taskSet{},
	}
}

// request sends req to the peer and records who waits for the answer.
func (s *session) request(c actor.Context, req *SendRequest) {
	p := &pendingRequest{command: req.Command, tag: req.Tag, replyTo: c.Sender(), reply: req.Reply}
	if req.ReplyTo != nil {
		p.replyTo = req.ReplyTo
	}
	if req.Conn != nil && req.Conn != s.link {
		s.answer(c, p, &Response{Err: fmt.Errorf("%w: %s was meant for an earlier connection", ErrConnectionLost, req.Command)})
		return
	}
	counter := s.counter.Next()
	err := s.link.send(messages.Frame{Counter: counter, Command: req.Command, Payload: req.Payload})
	if err != nil {
		if errors.Is(err, wire.ErrQueueFull) {
			s.log.Warnf("Send queue full; request %s refused.", req.Command)
		}
		s.answer(c, p, &Response{Err: messages.ErrSendingRequest.With(fmt.Sprintf("%s: %v", req.Command, err))})
		return
	}
	s.pending.Add(counter, p, s.kit.Now().Add(s.timeout))
	s.armSweep(c)
	if req.Ack && p.replyTo != nil {
		c.Send(p.replyTo, &RequestSent{Tag: req.Tag})
	}
}

// respond answers the request that carried counter.
func (s *session) respond(counter uint32, command string, payload []byte) {
	if err := s.link.send(messages.Frame{Counter: counter, Command: command, Payload: payload}); err != nil {
		s.log.WithError(err).Debugf("Could not answer %s.", messages.ClipForLog(command))
	}
}

// respondError answers with "err" and the exception as Wazuh encodes it.
func (s *session) respondError(counter uint32, e *messages.WazuhError) {
	s.respond(counter, messages.CmdErr, messages.EncodeException(e))
}

// takeResponse delivers f to whoever waits for it and reports whether f was a response. A
// late answer to a request that already timed out counts as a response and is dropped, as
// Wazuh does; only a counter nobody is waiting for makes f a request.
func (s *session) takeResponse(c actor.Context, f messages.Frame) bool {
	p, match := s.pending.Match(f.Counter)
	switch match {
	case wire.MatchRequest:
		return false
	case wire.MatchLate:
		s.log.Debugf("Dropped a late answer (%s) to an expired request.", messages.ClipForLog(f.Command))
		return true
	}
	resp := &Response{Frame: f}
	switch f.Command {
	case messages.CmdOK, okM, messages.CmdOKC:
	case messages.CmdErr:
		resp.Err = messages.ResponseError(f.Payload)
	default:
		resp.Err = fmt.Errorf("Unkown response command received: %s", messages.ClipForLog(f.Command))
	}
	s.answer(c, p, resp)
	return true
}

func (s *session) answer(c actor.Context, p *pendingRequest, resp *Response) {
	resp.Tag = p.tag
	switch {
	case p.reply != nil:
		select {
		case p.reply <- resp:
		default:
		}
	case p.replyTo != nil:
		c.Send(p.replyTo, resp)
	}
}

// handleCommon answers the commands every handler serves (§9.1) and reports whether f was one.
func (s *session) handleCommon(f messages.Frame) bool {
	switch f.Command {
	case messages.CmdEcho:
		s.respond(f.Counter, messages.CmdOK, f.Payload)
	case messages.CmdNewStr, messages.CmdStrUpd, messages.CmdErrStr:
		cmd, payload := s.strings.Handle(f.Command, f.Payload)
		s.respond(f.Counter, cmd, payload)
	case messages.CmdNewFile, messages.CmdFileUpd, messages.CmdFileEnd:
		if s.files == nil {
			// Raised as a cluster error, not as the local client's WazuhInternalError: it is
			// this node's refusal.
			s.respondError(f.Counter, messages.NewClusterError(messages.ErrClusterNotRunning.Code, nil))
			return true
		}
		cmd, payload := s.files.HandleFrame(f)
		s.respond(f.Counter, cmd, payload)
	case messages.CmdCancelTask:
		task, exc, err := wire.ParseCancelTask(f.Payload)
		switch {
		case err != nil || task == "" || task == "None":
			s.log.Infof("The task was requested to be canceled but no task_id was received: %s", messages.ClipForLog(string(exc)))
		default:
			s.cancelled.add(task)
			s.log.Infof("The task was canceled due to the following error on the remote node: %s", messages.ClipForLog(string(exc)))
		}
		s.respond(f.Counter, messages.CmdOK, []byte("Request received correctly"))
	default:
		return false
	}
	return true
}

// respondUnknown answers a request nobody serves, with Wazuh's text.
func (s *session) respondUnknown(f messages.Frame) {
	s.respond(f.Counter, messages.CmdErr, messages.UnknownCommand(f.Command))
}

// armSweep schedules the next expiry check at the earliest deadline.
func (s *session) armSweep(c actor.Context) {
	next, ok := s.pending.NextDeadline()
	if !ok {
		s.sweeper.stop()
		return
	}
	d := max(next.Sub(s.kit.Now()), time.Millisecond)
	s.sweeper.after(s.kit, d, c.Self(), &sweepPending{link: s.link})
}

// sweep fails every request whose answer is overdue with Wazuh's 3020.
func (s *session) sweep(c actor.Context) {
	for _, p := range s.pending.Expire(s.kit.Now()) {
		s.answer(c, p, &Response{Err: messages.ErrRequestTimeout.With(p.command)})
	}
	s.armSweep(c)
}

// close ends the connection and fails everything still waiting.
func (s *session) close(c actor.Context, reason error) {
	s.sweeper.stop()
	s.link.close()
	for _, p := range s.pending.Drain() {
		s.answer(c, p, &Response{Err: fmt.Errorf("%w: %s", ErrConnectionLost, reason)})
	}
	if s.files != nil {
		s.files.Close()
	}
	s.strings.Close()
}
