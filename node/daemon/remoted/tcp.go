package remoted

import (
	"bufio"
	"errors"
	"io"
	"net"
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// readBufferSize is each connection's read buffer: agent messages are small, and a frame larger
// than it is read through it in pieces. With 10,000 agents every kilobyte here is 10 MB.
const readBufferSize = 4 << 10

// acceptLoop accepts agent connections until the listener closes.
func (s *Server) acceptLoop() {
	defer s.netWG.Done()
	var backoff time.Duration
	for {
		nc, err := s.tcpLn.Accept()
		if err != nil {
			if s.stopping() || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait a little, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.limited.warn("accept", "accept agent connection: %v", err)
			select {
			case <-time.After(backoff):
			case <-s.quit:
				return
			}
			continue
		}
		backoff = 0
		c := newTCPConn(nc)
		if ok, full := s.registerConn(c); !ok {
			if !full {
				nc.Close()
				return
			}
			// Counted before the close, so whoever sees the connection closed sees it counted.
			s.totals.refused.Add(1)
			nc.Close()
			s.limited.warn("max-connections", "Too many agent connections (%d open): closed the one from %s.",
				s.cfg.MaxConnections, nc.RemoteAddr())
			continue
		}
		s.netWG.Add(2)
		go func() {
			defer s.netWG.Done()
			c.writeLoop()
		}()
		go func() {
			defer s.netWG.Done()
			s.serveConn(c)
		}()
	}
}

// serveConn reads the frames of one connection and handles each payload
// until the peer closes, a frame is too big, a message fails (unknown agent,
// wrong key, key in use), no agent speaks within IdentifyTimeout or the
// server stops.
func (s *Server) serveConn(c *tcpConn) {
	defer s.endConn(c)
	// Buffered: agents send many small frames.
	fr := agentproto.NewFrameReader(bufio.NewReaderSize(c.nc, readBufferSize))
	// Until a known agent speaks, the connection holds a descriptor for nobody: it gets
	// IdentifyTimeout in all (not per read, so a byte at a time buys nothing).
	identified := false
	_ = c.nc.SetReadDeadline(time.Now().Add(s.cfg.IdentifyTimeout))
	for {
		payload, err := fr.Next()
		if err != nil {
			var ne net.Error
			switch {
			case !identified && errors.As(err, &ne) && ne.Timeout():
				s.totals.idleClosed.Add(1)
				s.limited.warn("identify-timeout", "No agent message from %s within %s; closing the connection.",
					c.nc.RemoteAddr(), s.cfg.IdentifyTimeout)
			case errors.Is(err, agentproto.ErrFrameTooBig):
				s.limited.warn("too-big", "Too big message size from %s; closing the connection", c.nc.RemoteAddr())
			case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), s.stopping(), c.closed():
			default:
				s.log.Debugf("agent connection %s: %v", c.nc.RemoteAddr(), err)
			}
			return
		}
		ping := string(payload) == agentproto.PingMessage
		if !s.handlePayload(source{conn: c, ip: c.remote}, payload) {
			return
		}
		if !identified && !ping {
			// handlePayload keeps a connection only for a message of a known agent.
			identified = true
			_ = c.nc.SetReadDeadline(time.Time{})
		}
	}
}

// endConn closes c and forgets it; agents that answered through it lose their
// reply channel but keep their status.
func (s *Server) endConn(c *tcpConn) {
	c.close()
	s.unregisterConn(c)
	for _, a := range c.takeOwners() {
		a.dropConn(c)
	}
}
