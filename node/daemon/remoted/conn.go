package remoted

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// Per-connection send queue (Wazuh: remoted.send_buffer_size 128 KiB, about
// 128 messages of ~1 KiB) and the wait before a message is dropped when it is
// full (send_timeout_to_retry).
const (
	sendQueueLen   = 128
	sendRetryAfter = time.Second
	writeTimeout   = 30 * time.Second
)

// tcpConn is one agent connection: a reader goroutine (the server's serveConn)
// and a writer goroutine fed by a bounded queue of ready frames.
type tcpConn struct {
	nc     net.Conn
	remote netip.Addr
	out    chan []byte
	done   chan struct{}
	once   sync.Once

	ownersMu sync.Mutex
	owners   []*agent // agents whose reply channel this is (usually one)
}

func newTCPConn(nc net.Conn) *tcpConn {
	return &tcpConn{nc: nc, remote: remoteIP(nc.RemoteAddr()), out: make(chan []byte, sendQueueLen), done: make(chan struct{})}
}

// remoteIP is the source address of a connection or datagram; an address
// that is not IP gives the zero Addr (only "any" agents match it).
func remoteIP(a net.Addr) netip.Addr {
	switch v := a.(type) {
	case *net.TCPAddr:
		return v.AddrPort().Addr().Unmap()
	case *net.UDPAddr:
		return v.AddrPort().Addr().Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// close ends both goroutines of the connection; safe to call more than once.
func (c *tcpConn) close() {
	c.once.Do(func() {
		close(c.done)
		c.nc.Close()
	})
}

func (c *tcpConn) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// send queues one frame. When the queue is full it waits sendRetryAfter for
// room, then gives up (the caller logs "Package dropped").
func (c *tcpConn) send(frame []byte) bool {
	select {
	case c.out <- frame:
		return true
	case <-c.done:
		return false
	default:
	}
	t := time.NewTimer(sendRetryAfter)
	defer t.Stop()
	select {
	case c.out <- frame:
		return true
	case <-c.done:
		return false
	case <-t.C:
		return false
	}
}

// writeLoop sends queued frames until the connection closes. A write error
// closes the connection, which also ends its reader.
func (c *tcpConn) writeLoop() {
	for {
		select {
		case <-c.done:
			return
		case frame := <-c.out:
			_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := c.nc.Write(frame); err != nil {
				c.close()
				return
			}
		}
	}
}

// addOwner notes that a answers through c, so closing c can tell it.
func (c *tcpConn) addOwner(a *agent) {
	c.ownersMu.Lock()
	defer c.ownersMu.Unlock()
	for _, o := range c.owners {
		if o == a {
			return
		}
	}
	c.owners = append(c.owners, a)
}

func (c *tcpConn) takeOwners() []*agent {
	c.ownersMu.Lock()
	defer c.ownersMu.Unlock()
	o := c.owners
	c.owners = nil
	return o
}
