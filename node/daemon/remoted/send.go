package remoted

import (
	"time"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// sendPlain answers an unencrypted "#ping" with "#pong" (framed on TCP).
func (s *Server) sendPlain(src source, msg []byte) {
	if src.conn != nil {
		if !src.conn.send(agentproto.AppendFrame(nil, msg)) {
			s.dropped(src.String())
		}
		return
	}
	s.writeUDP(src, msg)
}

// reply seals msg for the agent with method and sends it back where src came
// from. Replies never carry the "!id!" prefix.
func (s *Server) reply(src source, k *agentKey, method agentproto.Method, msg []byte) bool {
	if src.conn != nil {
		frame, err := s.sealFrame(k, method, msg)
		if err != nil {
			s.log.Errorf("agent %s: seal: %v", k.idStr, err)
			return false
		}
		if !src.conn.send(frame) {
			s.dropped(k.idStr)
			return false
		}
		return true
	}
	payload, err := s.seal(nil, k, method, msg)
	if err != nil {
		s.log.Errorf("agent %s: seal: %v", k.idStr, err)
		return false
	}
	return s.writeUDP(src, payload)
}

// sendTo sends msg to an agent through reply channel t with t's method.
// Nothing is sent to an agent silent for DisconnectionTime, as remoted.
func (s *Server) sendTo(k *agentKey, t replyTarget, msg []byte) bool {
	if time.Duration(s.cfg.Now().UnixNano()-t.lastMsg) > s.cfg.DisconnectionTime {
		return false
	}
	switch {
	case t.conn != nil:
		return s.reply(source{conn: t.conn}, k, t.method, msg)
	case t.udpAddr.IsValid():
		return s.reply(source{udpAddr: t.udpAddr, ip: t.udpAddr.Addr()}, k, t.method, msg)
	}
	return false
}

// seal appends the secure payload of msg to dst with the server's sender counter.
func (s *Server) seal(dst []byte, k *agentKey, method agentproto.Method, msg []byte) ([]byte, error) {
	out, err := k.cipher.Seal(dst, method, s.sender.ctr, msg)
	if err == nil {
		s.sender.used()
	}
	return out, err
}

// sealFrame is seal with the TCP length header in front.
func (s *Server) sealFrame(k *agentKey, method agentproto.Method, msg []byte) ([]byte, error) {
	payload, err := s.seal(make([]byte, 0, 256), k, method, msg)
	if err != nil {
		return nil, err
	}
	return agentproto.AppendFrame(make([]byte, 0, len(payload)+4), payload), nil
}

func (s *Server) writeUDP(src source, payload []byte) bool {
	if s.udpConn == nil || !src.udpAddr.IsValid() {
		return false
	}
	if _, err := s.udpConn.WriteToUDPAddrPort(payload, src.udpAddr); err != nil {
		s.limited.warn("udp-write", "send to %s: %v", src.udpAddr, err)
		return false
	}
	return true
}

func (s *Server) dropped(who string) {
	s.totals.packagesDropped.Add(1)
	s.limited.warn("dropped", "Package dropped. Could not send message to agent %s: send queue full", who)
}
