package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/wire"
)

// Texts of the local protocol that only the local client uses (Wazuh 4.14.7 local_server.py,
// local_client.py); the others are in package messages.
const (
	noConnectedWorker = "There are no connected worker nodes"
	keepAlivePayload  = "keepalive"
)

// asyncCommands are answered twice: an acknowledgement, then the real answer as a request
// from the node (LocalClient.ASYNC_COMMANDS).
var asyncCommands = map[string]bool{
	messages.CmdDapi: true, messages.CmdDapiFwd: true, messages.CmdSendFile: true, messages.CmdSendAsync: true,
}

// writeTimeout bounds one frame write; the local socket never pushes back for long.
const writeTimeout = 10 * time.Second

// timeouts are the resolved waiting limits of one exchange.
type timeouts struct {
	reply, answer, keepAlive time.Duration
}

// inbound is one complete frame read from the node, or the error that ended reading.
type inbound struct {
	frame messages.Frame
	err   error
}

// answer is the final outcome of a request that the node delivers as a request of its own.
type answer struct {
	payload []byte
	err     error
}

// session is one connection to the local socket. Its exchange runs on the caller's goroutine,
// which alone writes; a reader goroutine turns the byte stream into frames.
type session struct {
	conn     net.Conn
	log      *logrus.Entry
	counter  *wire.Counter
	strings  *wire.StringStore
	incoming chan inbound
	done     chan struct{}
	wg       sync.WaitGroup
}

func newSession(conn net.Conn, log *logrus.Entry) *session {
	s := &session{
		conn:     conn,
		log:      log,
		counter:  wire.NewCounter(),
		strings:  wire.NewStringStore(wire.MaxTotalSize),
		incoming: make(chan inbound),
		done:     make(chan struct{}),
	}
	s.wg.Add(1)
	go s.readLoop()
	return s
}

// readLoop hands every frame to the exchange until the connection fails or the session closes.
func (s *session) readLoop() {
	defer s.wg.Done()
	r := wire.NewReader(s.conn, nil, wire.ReaderLimits{})
	for {
		f, err := r.ReadFrame()
		select {
		case s.incoming <- inbound{frame: f, err: err}:
		case <-s.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// close ends the connection and waits for the reader, so that no goroutine outlives Do.
func (s *session) close() {
	close(s.done)
	_ = s.conn.Close() // the exchange is over; a close error changes nothing for the caller.
	s.wg.Wait()
}

// exchange sends the request and drives the conversation until its outcome is known.
func (s *session) exchange(ctx context.Context, command string, payload []byte, t timeouts) ([]byte, error) {
	requestCounter := s.counter.Next()
	if err := s.send(requestCounter, command, payload); err != nil {
		return nil, err
	}

	deadline := time.NewTimer(t.reply)
	defer deadline.Stop()
	var keepAlive <-chan time.Time
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	keepAlives := make(map[uint32]bool)
	acknowledged := false
	var early *answer // an answer that overtook the acknowledgement

	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return nil, messages.ErrRequestTimeout.With(command)
		case <-keepAlive:
			c := s.counter.Next()
			keepAlives[c] = true
			if err := s.send(c, messages.CmdEchoC, []byte(keepAlivePayload)); err != nil {
				return nil, err
			}
		case in := <-s.incoming:
			if in.err != nil {
				if errors.Is(in.err, io.EOF) {
					return nil, ErrConnectionClosed
				}
				return nil, fmt.Errorf("read from the local socket: %w", in.err)
			}
			f := in.frame
			switch {
			case !acknowledged && f.Counter == requestCounter:
				result, wait, err := evaluateReply(command, f)
				if err != nil || !wait {
					return result, err
				}
				if early != nil {
					return early.payload, early.err
				}
				acknowledged = true
				deadline.Reset(t.answer)
				ticker = time.NewTicker(t.keepAlive)
				keepAlive = ticker.C
			case keepAlives[f.Counter]:
				delete(keepAlives, f.Counter)
				s.log.Debugf("Keepalive answered: %s %q", f.Command, f.Payload)
			default:
				outcome, err := s.serve(f)
				if err != nil {
					return nil, err
				}
				if outcome == nil {
					continue
				}
				if acknowledged {
					return outcome.payload, outcome.err
				}
				early = outcome
			}
		}
	}
}

// evaluateReply reads the node's reply to the request: its payload, or whether the real
// answer comes later (LocalClient.send_api_request).
func evaluateReply(command string, f messages.Frame) (payload []byte, wait bool, err error) {
	switch f.Command {
	case messages.CmdOK:
	case messages.CmdErr:
		return nil, false, nodeError(f.Payload)
	default:
		return nil, false, fmt.Errorf("%w: %s", ErrUnexpectedReply, f.Command)
	}
	switch text := string(f.Payload); {
	case text == noConnectedWorker:
		return []byte("{}"), false, nil
	case asyncCommands[command] || text == messages.ReplySentToMaster:
		return nil, true, nil
	}
	if we, ok := answerException(f.Payload); ok {
		return nil, false, we
	}
	return f.Payload, false, nil
}

// serve answers a request from the node as Wazuh's LocalClientHandler.process_request does and
// returns the outcome it carries, if any.
func (s *session) serve(f messages.Frame) (*answer, error) {
	s.log.Debugf("Command received: %s", messages.PyBytesRepr([]byte(f.Command)))
	var reply string
	var outcome *answer
	switch f.Command {
	case messages.CmdControlRes, messages.CmdOK:
		if isErrorText(f.Payload) {
			return &answer{err: nodeError(f.Payload)}, s.send(f.Counter, messages.CmdErr, f.Payload)
		}
		reply = messages.ReplyResponseReceived
		if f.Command == messages.CmdOK {
			reply = messages.ReplySendSyncReceived
		}
		outcome = relayedAnswer(f.Payload)
	case messages.CmdDapiRes, messages.CmdSendFRes:
		if isErrorText(f.Payload) {
			return &answer{err: nodeError(f.Payload)}, s.send(f.Counter, messages.CmdErr, f.Payload)
		}
		data, ok := s.strings.Take(string(f.Payload))
		if !ok {
			text := []byte("Error receiving string: ID " + string(f.Payload) + " not found.")
			return &answer{err: nodeError(text)}, s.send(f.Counter, messages.CmdErr, text)
		}
		reply = messages.ReplyDapiResponseReceived
		outcome = relayedAnswer(data)
	case messages.CmdDapiErr:
		reply = messages.ReplyResponseReceived
		outcome = &answer{err: nodeError(f.Payload)}
	case messages.CmdErr:
		reply = messages.ReplyErrorResponse
		outcome = &answer{err: nodeError(f.Payload)}
	case messages.CmdEcho:
		return nil, s.send(f.Counter, messages.CmdOK, f.Payload)
	default:
		// new_str, str_upd and err_str feed the string store; anything else gets Wazuh's
		// unknown-command answer from it.
		cmd, payload := s.strings.Handle(f.Command, f.Payload)
		return nil, s.send(f.Counter, cmd, payload)
	}
	return outcome, s.send(f.Counter, messages.CmdOK, []byte(reply))
}

// isErrorText is how LocalClientHandler tells an error from an answer it is handed: the payload
// starts with "Error".
func isErrorText(payload []byte) bool {
	return messages.ControlResult{Payload: payload}.IsError()
}

// relayedAnswer is the outcome of a relayed payload: the payload, unless it is a Wazuh
// exception, which control.py would raise.
func relayedAnswer(payload []byte) *answer {
	if we, ok := answerException(payload); ok {
		return &answer{err: we}
	}
	return &answer{payload: payload}
}

// send writes one frame; only the exchange goroutine calls it.
func (s *session) send(counter uint32, command string, payload []byte) error {
	frame, err := wire.AppendMessage(nil, nil, messages.Frame{Counter: counter, Command: command, Payload: payload}, wire.RequestChunk)
	if err != nil {
		return fmt.Errorf("build %s frame: %w", command, err)
	}
	if err := s.conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("send %s: %w", command, err)
	}
	if _, err := s.conn.Write(frame); err != nil {
		return fmt.Errorf("send %s: %w", command, err)
	}
	s.log.Debugf("Sent %s (counter %d, %d bytes)", command, counter, len(payload))
	return nil
}
