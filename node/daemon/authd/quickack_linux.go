package authd

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// quickAck wraps an accepted agent connection so that every segment the server receives is
// acknowledged at once.
//
// Why: in TLS 1.3 crypto/tls sends its whole first flight (session tickets included) before the
// client's Finished, and then has nothing to send until it has read the request line. The
// kernel, having just seen the server answer the ClientHello, delays its ACK of the Finished by
// up to 40 ms, hoping to piggyback it on data. A client with Nagle's algorithm on (Python's ssl,
// the agents' simulators) holds its request line until that Finished is acknowledged, so every
// enrollment stalled for the delayed-ACK timer (one TcpExtDelayedACKs per enrollment). OpenSSL
// servers do not show it because they send their session tickets after the client's Finished,
// and that write carries the ACK. TCP_QUICKACK is not sticky (the kernel leaves quick-ACK mode
// as soon as the connection looks interactive again), so it is set again before every read.
func quickAck(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	return &quickAckConn{TCPConn: tc, raw: raw}
}

type quickAckConn struct {
	*net.TCPConn
	raw syscall.RawConn
}

func (c *quickAckConn) Read(p []byte) (int, error) {
	// A failure only brings the delayed ACK back; the read itself is what matters.
	_ = c.raw.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_QUICKACK, 1)
	})
	return c.TCPConn.Read(p)
}
