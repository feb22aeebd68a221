package remoted

import (
	"errors"
	"net"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// udpLoop handles one secure payload per datagram until the socket closes.
// It blocks with the archive like a TCP reader; the kernel then queues, and
// past its buffer drops, what arrives meanwhile.
func (s *Server) udpLoop() {
	defer s.netWG.Done()
	// One byte more than the largest payload so an oversized datagram shows.
	buf := make([]byte, agentproto.MaxMessage+1)
	for {
		n, addr, err := s.udpConn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if s.stopping() || errors.Is(err, net.ErrClosed) {
				return
			}
			s.limited.warn("udp-read", "read udp: %v", err)
			continue
		}
		s.totals.udpDatagrams.Add(1)
		if n > agentproto.MaxMessage {
			s.limited.warn("too-big", "Too big message size from %s", addr)
			continue
		}
		addr = netipUnmap(addr)
		s.handlePayload(source{udpAddr: addr, ip: addr.Addr()}, buf[:n])
	}
}
