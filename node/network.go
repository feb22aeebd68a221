package node

import (
	"net"

	"github.com/hashicorp/memberlist"
)

// Network stands between a node and its cluster peers when Options.Network is set: test
// clusters cut the network between chosen nodes with it (node/nodetest's Partition), without
// stopping them. Both ends of the cluster protocol and of memberlist go through it: every
// cluster connection has the accepting end on some node, and every memberlist packet or stream
// leaves through a transport.
type Network interface {
	// WrapListener wraps the cluster listener (a master's cluster port).
	WrapListener(net.Listener) net.Listener
	// WrapTransport wraps memberlist's UDP/TCP transport.
	WrapTransport(memberlist.NodeAwareTransport) memberlist.NodeAwareTransport
}
