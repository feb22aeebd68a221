package nodetest

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// cutTransport wraps a node's memberlist transport: packets to or from a node cut apart from
// this one are dropped, and streams to it cannot be opened (memberlist then acts as on an
// unreachable node). Streams are checked where they are dialled, since their source address on
// loopback is not the dialling node's: every node of the cluster dials through its own
// cutTransport.
type cutTransport struct {
	memberlist.NodeAwareTransport
	net   *network
	local string

	packets chan *memberlist.Packet
	stop    chan struct{}
	done    sync.WaitGroup
	once    sync.Once
	err     error
}

func newCutTransport(inner memberlist.NodeAwareTransport, n *network, local string) *cutTransport {
	t := &cutTransport{NodeAwareTransport: inner, net: n, local: local,
		packets: make(chan *memberlist.Packet), stop: make(chan struct{})}
	t.done.Add(1)
	go t.forwardPackets()
	return t
}

// forwardPackets hands memberlist the packets that crossed no cut.
func (t *cutTransport) forwardPackets() {
	defer t.done.Done()
	in := t.NodeAwareTransport.PacketCh()
	for {
		select {
		case p := <-in:
			if from, ok := p.From.(*net.UDPAddr); ok && t.net.isCut(t.local, from.IP.String()) {
				continue
			}
			select {
			case t.packets <- p:
			case <-t.stop:
				return
			}
		case <-t.stop:
			return
		}
	}
}

func (t *cutTransport) PacketCh() <-chan *memberlist.Packet { return t.packets }

func (t *cutTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	if t.net.isCut(t.local, hostOf(addr)) {
		return time.Now(), nil // sent, and lost on the way
	}
	return t.NodeAwareTransport.WriteTo(b, addr)
}

func (t *cutTransport) WriteToAddress(b []byte, addr memberlist.Address) (time.Time, error) {
	if t.net.isCut(t.local, hostOf(addr.Addr)) {
		return time.Now(), nil
	}
	return t.NodeAwareTransport.WriteToAddress(b, addr)
}

func (t *cutTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.dial(addr, func() (net.Conn, error) { return t.NodeAwareTransport.DialTimeout(addr, timeout) })
}

func (t *cutTransport) DialAddressTimeout(addr memberlist.Address, timeout time.Duration) (net.Conn, error) {
	return t.dial(addr.Addr, func() (net.Conn, error) { return t.NodeAwareTransport.DialAddressTimeout(addr, timeout) })
}

// dial opens a stream unless addr is cut apart from this node; a stream already open when a
// cut begins goes silent like a cluster connection.
func (t *cutTransport) dial(addr string, open func() (net.Conn, error)) (net.Conn, error) {
	remote := hostOf(addr)
	if t.net.isCut(t.local, remote) {
		return nil, fmt.Errorf("dial %s: %s is cut apart from %s", addr, remote, t.local)
	}
	nc, err := open()
	if err != nil {
		return nil, err
	}
	return newCutConn(nc, t.net, t.local, remote), nil
}

// Shutdown stops the transport, then the forwarding; memberlist calls it once, a failed start
// may call it again.
func (t *cutTransport) Shutdown() error {
	t.once.Do(func() {
		t.err = t.NodeAwareTransport.Shutdown()
		close(t.stop)
		t.done.Wait()
	})
	return t.err
}
