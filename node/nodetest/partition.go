package nodetest

import (
	"net"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/clusterd/clusterd/node"
)

// Partition cuts the network between every member of a and every member of b, both ways: their
// cluster connections go silent (nothing is lost and nothing is closed: bytes wait at the cut,
// as TCP's retransmissions would, and an end closed meanwhile is not seen by its peer) and
// memberlist's packets between them are dropped. The nodes keep running; each side finds out
// by its own timeouts, as after a real partition. Partitions add up until Heal. Nodes are told
// apart by their addresses: a member is cut from the others in both of its roles.
func (c *Cluster) Partition(a, b []*Member) {
	c.net.partition(ips(a), ips(b))
}

// Isolate cuts m from every other member.
func (c *Cluster) Isolate(m *Member) {
	var others []*Member
	for _, o := range c.members {
		if o != m {
			others = append(others, o)
		}
	}
	c.Partition([]*Member{m}, others)
}

// Heal joins every cut back: held bytes flow again and ends closed during the cut close for
// their peers too.
func (c *Cluster) Heal() { c.net.heal() }

func ips(members []*Member) []string {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = m.IP
	}
	return out
}

// link is an unordered pair of node addresses.
type link struct{ a, b string }

func linkOf(x, y string) link {
	if x > y {
		x, y = y, x
	}
	return link{x, y}
}

// network is where the nodes of a test cluster meet: each node's cluster listener and
// memberlist transport go through its view of it.
type network struct {
	mu     sync.Mutex
	cut    map[link]bool
	healed chan struct{} // closed, and replaced, at every Heal
	// closing holds the connections an end closed during a cut: their peers see the close
	// at the heal.
	closing map[*cutConn]bool
}

func newNetwork() *network {
	return &network{cut: map[link]bool{}, healed: make(chan struct{}), closing: map[*cutConn]bool{}}
}

func (n *network) partition(a, b []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, x := range a {
		for _, y := range b {
			if x != y {
				n.cut[linkOf(x, y)] = true
			}
		}
	}
}

func (n *network) heal() {
	n.mu.Lock()
	closing := n.closing
	n.cut, n.closing = map[link]bool{}, map[*cutConn]bool{}
	close(n.healed)
	n.healed = make(chan struct{})
	n.mu.Unlock()
	for c := range closing {
		_ = c.Conn.Close()
	}
}

func (n *network) isCut(x, y string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cut[linkOf(x, y)]
}

// waitJoined waits until x and y are no longer cut apart, closed is closed, or deadline
// passes (zero: no deadline).
func (n *network) waitJoined(x, y string, closed <-chan struct{}, deadline time.Time) error {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		expired = timer.C
	}
	for {
		n.mu.Lock()
		cut, healed := n.cut[linkOf(x, y)], n.healed
		n.mu.Unlock()
		if !cut {
			return nil
		}
		select {
		case <-healed:
		case <-closed:
			return net.ErrClosed
		case <-expired:
			return os.ErrDeadlineExceeded
		}
	}
}

// closeLater keeps c's socket open while x and y are cut apart, so that its peer does not see
// the close before the heal; it reports whether it did.
func (n *network) closeLater(c *cutConn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.cut[linkOf(c.local, c.remote)] {
		return false
	}
	n.closing[c] = true
	return true
}

// view is one node's side of the network: it implements node.Network for the node at ip.
func (n *network) view(ip string) node.Network { return &nodeView{net: n, ip: ip} }

type nodeView struct {
	net *network
	ip  string
}

func (v *nodeView) WrapListener(ln net.Listener) net.Listener {
	return &cutListener{Listener: ln, net: v.net, local: v.ip}
}

func (v *nodeView) WrapTransport(t memberlist.NodeAwareTransport) memberlist.NodeAwareTransport {
	return newCutTransport(t, v.net, v.ip)
}

// hostOf is the IP of an "ip:port" address or a net.Addr's, "" when there is none.
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return host
}
