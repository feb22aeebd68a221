package remoted

import (
	"bytes"
	"net/netip"
	"strconv"

	"github.com/clusterd/clusterd/messages"
	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// source is where one payload came from: a TCP connection, or a UDP address.
type source struct {
	conn    *tcpConn
	udpAddr netip.AddrPort
	ip      netip.Addr
}

func (src source) String() string {
	if src.ip.IsValid() {
		return src.ip.String()
	}
	if src.conn != nil {
		return src.conn.nc.RemoteAddr().String()
	}
	return "unknown"
}

// handlePayload handles one secure payload (a TCP frame or a UDP datagram).
// It returns false when the TCP connection must be closed: the sender is not
// a known agent, the message does not decrypt, or the agent's key is in use
// on another live connection.
func (s *Server) handlePayload(src source, payload []byte) bool {
	if string(payload) == agentproto.PingMessage {
		s.sendPlain(src, []byte(agentproto.PongMessage))
		return true
	}
	a, rest, ok := s.identify(src, payload)
	if !ok {
		s.totals.unknownAgent.Add(1)
		select {
		case s.keysNow <- struct{}{}:
		default:
		}
		return false
	}
	k := a.key.Load()
	msg, method, _, err := k.cipher.Open(rest)
	if err != nil {
		s.totals.decryptErrors.Add(1)
		if a.decryptWarned.CompareAndSwap(false, true) {
			s.log.Warnf("agent %s (%s) from %s: %v", k.idStr, k.name, src, err)
		}
		return false
	}
	a.decryptWarned.Store(false)
	// remoted treats the message as a C string from here on.
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	if !s.claim(a, k, src, method) {
		return false
	}
	if bytes.HasPrefix(msg, []byte(agentproto.ControlPrefix)) {
		s.handleControl(a, k, src, method, msg)
		return true
	}
	s.handleEvent(a, k, msg)
	return true
}

// identify finds the agent of a payload (agent §2.2): with an "!id!" prefix by
// id, the source inside the registered IP or network; without one by the
// source IP equal to the registered IP.
func (s *Server) identify(src source, payload []byte) (*agent, []byte, bool) {
	t := s.keys.Load()
	if idStr, rest, ok := agentproto.SplitID(payload); ok {
		id, err := strconv.Atoi(idStr)
		a := t.byID[id]
		if err != nil || a == nil || !a.key.Load().allow.contains(src.ip) {
			s.limited.warn("invalid-id", "(1408): Invalid ID %q for the source ip: '%s'", messages.ClipForLog(idStr), src)
			return nil, nil, false
		}
		return a, rest, true
	}
	if src.ip.IsValid() {
		if a := t.byIP[src.ip.String()]; a != nil {
			return a, payload, true
		}
	}
	s.limited.warn("not-allowed", "(1213): Message from '%s' not allowed. Cannot find the ID of the agent.", src)
	return nil, nil, false
}

// claim records a valid message of a on src. On TCP, a message on a
// connection other than the agent's live reply connection takes the agent
// over only when the agent has been silent for ConnectionOvertake; otherwise
// the new connection is refused (agent §2.7).
func (s *Server) claim(a *agent, k *agentKey, src source, method agentproto.Method) bool {
	now := s.cfg.Now().UnixNano()
	var old *tcpConn
	a.mu.Lock()
	if src.conn != nil && a.conn != nil && a.conn != src.conn && !a.conn.closed() {
		if now-a.lastMsg.Load() < int64(s.cfg.ConnectionOvertake) {
			a.mu.Unlock()
			s.totals.keyInUse.Add(1)
			s.limited.warn("key-in-use", "Agent key already in use: agent ID '%s'", k.idStr)
			return false
		}
		old = a.conn
		a.conn = nil
	}
	a.method = method
	a.lastMsg.Store(now)
	a.mu.Unlock()
	if old != nil {
		s.log.Infof("agent %s (%s): connection from %s overtakes the silent one", k.idStr, k.name, src)
		old.close()
	}
	return true
}

// setReplyChannel makes src the agent's reply channel (its latest control message came from it).
func (a *agent) setReplyChannel(src source) {
	a.mu.Lock()
	if src.conn != nil {
		a.conn = src.conn
		a.udpAddr = netip.AddrPort{}
	} else {
		a.conn = nil
		a.udpAddr = src.udpAddr
	}
	a.mu.Unlock()
	if src.conn != nil {
		src.conn.addOwner(a)
	}
}
