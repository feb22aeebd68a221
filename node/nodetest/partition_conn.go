package nodetest

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// cutListener wraps a node's cluster listener: the connections it accepts go silent while
// their two nodes are cut apart.
type cutListener struct {
	net.Listener
	net   *network
	local string
}

func (l *cutListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newCutConn(nc, l.net, l.local, hostOf(nc.RemoteAddr().String())), nil
}

// SetDeadline passes the deadline on: the accept loop stops with it.
func (l *cutListener) SetDeadline(t time.Time) error {
	if d, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok {
		return d.SetDeadline(t)
	}
	return nil
}

// cutConn is one end of a connection between the nodes local and remote. While they are cut
// apart its reads and writes wait, as on a link that carries nothing (a write waits as on a
// full send buffer), within the deadlines its user set; what reached this end as the cut began
// is held for the heal, never lost, and a Close keeps the socket open until the heal so that
// the peer does not learn of it across the cut.
type cutConn struct {
	net.Conn
	net           *network
	local, remote string

	readDeadline, writeDeadline atomic.Pointer[time.Time]
	closeOnce                   sync.Once
	closed                      chan struct{}

	readMu  sync.Mutex
	held    []byte // read from the socket during a cut, for the reads after the heal
	heldErr error  // what the socket said after the held bytes
}

func newCutConn(nc net.Conn, n *network, local, remote string) *cutConn {
	return &cutConn{Conn: nc, net: n, local: local, remote: remote, closed: make(chan struct{})}
}

func (c *cutConn) Read(b []byte) (int, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if err := c.wait(&c.readDeadline); err != nil {
		return 0, err
	}
	if len(c.held) > 0 || c.heldErr != nil {
		n := copy(b, c.held)
		c.held = c.held[n:]
		if len(c.held) == 0 {
			err := c.heldErr
			c.held, c.heldErr = nil, nil
			return n, err
		}
		return n, nil
	}
	n, err := c.Conn.Read(b)
	if c.isClosed() {
		return 0, net.ErrClosed
	}
	// The read was already waiting when the cut began: what it got waits for the heal.
	if werr := c.wait(&c.readDeadline); werr != nil {
		if !c.isClosed() && !isTimeout(err) {
			c.held, c.heldErr = append(c.held, b[:n]...), err
		}
		return 0, werr
	}
	return n, err
}

func (c *cutConn) Write(b []byte) (int, error) {
	if err := c.wait(&c.writeDeadline); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

// wait returns once the two nodes are joined, or fails at the deadline or the close.
func (c *cutConn) wait(deadline *atomic.Pointer[time.Time]) error {
	var d time.Time
	if p := deadline.Load(); p != nil {
		d = *p
	}
	return c.net.waitJoined(c.local, c.remote, c.closed, d)
}

// isTimeout reports a deadline that passed: it belongs to the read that met it, not to the
// bytes of the stream.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *cutConn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *cutConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		close(c.closed)
		first = true
	})
	if !first {
		return net.ErrClosed
	}
	if c.net.closeLater(c) {
		// Unblock this end's reads and writes without telling the peer.
		return c.Conn.SetDeadline(time.Now())
	}
	return c.Conn.Close()
}

func (c *cutConn) SetDeadline(t time.Time) error {
	c.readDeadline.Store(&t)
	c.writeDeadline.Store(&t)
	return c.Conn.SetDeadline(t)
}

func (c *cutConn) SetReadDeadline(t time.Time) error {
	c.readDeadline.Store(&t)
	return c.Conn.SetReadDeadline(t)
}

func (c *cutConn) SetWriteDeadline(t time.Time) error {
	c.writeDeadline.Store(&t)
	return c.Conn.SetWriteDeadline(t)
}
