package agentsim

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// session is one acknowledged connection to a manager.
type session struct {
	conn    net.Conn
	server  int
	localIP string
	frames  *agentproto.FrameReader
	lost    chan error    // why the session ended; the first reason wins
	done    chan struct{} // closed when the reader has returned
}

func newSession(conn net.Conn, server int, frames *agentproto.FrameReader) *session {
	s := &session{conn: conn, server: server, frames: frames, lost: make(chan error, 1), done: make(chan struct{})}
	if addr, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		s.localIP = addr.IP.String()
	}
	return s
}

func (s *session) fail(err error) {
	select {
	case s.lost <- err:
	default:
	}
}

// close ends the connection and waits for its reader.
func (s *session) close() {
	_ = s.conn.Close()
	<-s.done
}

// write sends buf, bounded by time-reconnect so a manager that stops reading
// cannot hold the agent forever; it returns how many bytes reached the socket.
func (s *session) write(buf []byte, timeout time.Duration) (int, error) {
	if err := s.conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return 0, fmt.Errorf("set write deadline: %w", err)
	}
	n, err := s.conn.Write(buf)
	if err != nil {
		return n, fmt.Errorf("write to %s: %w", s.conn.RemoteAddr(), err)
	}
	return n, nil
}

// readLoop receives manager messages until the connection fails, nothing arrives
// for time-reconnect, or the manager asks for a reconnection.
func (a *agent) readLoop(s *session) {
	defer close(s.done)
	timeReconnect := a.sim.cfg.TimeReconnect
	stats := &a.sim.servers[s.server]
	var transfer fileTransfer
	for {
		payload, err := s.frames.Next()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = ErrTimeReconnect
			}
			s.fail(fmt.Errorf("read from %s: %w", s.conn.RemoteAddr(), err))
			return
		}
		msg, _, _, err := a.cipher.Open(payload)
		if err != nil {
			s.fail(fmt.Errorf("message from %s: %w", s.conn.RemoteAddr(), err))
			return
		}
		// Every control message proves the manager alive (agent §3.4).
		if agentproto.IsControl(msg) {
			_ = s.conn.SetReadDeadline(time.Now().Add(timeReconnect))
		}
		switch res := transfer.handle(msg); res.kind {
		case inboundAck:
			stats.acks.Add(1)
		case inboundFileVerified:
			if res.name == mergedFileName {
				a.mergedSum.Store(&res.md5)
				a.sim.mergedPushes.Add(1)
			}
		case inboundFileRejected:
			a.sim.mergedRejected.Add(1)
		case inboundForceReconnect:
			s.fail(ErrForceReconnect)
			return
		}
	}
}
