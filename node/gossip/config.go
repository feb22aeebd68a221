package gossip

import (
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"

	"github.com/hashicorp/memberlist"
	"github.com/sirupsen/logrus"
)

// Config describes one member.
type Config struct {
	NodeName string // Wazuh node_name; unique in the cluster
	// BindAddr is an explicit IP; a wildcard (0.0.0.0, ::) needs AdvertiseAddr
	// because memberlist's own guess fails on hosts without a private IPv4.
	BindAddr string
	BindPort int // 0 = ephemeral (tests)
	// AdvertiseAddr is the IP peers reach this member at; default BindAddr.
	AdvertiseAddr string
	// AdvertisePort defaults to the bound port. memberlist ignores it when
	// BindPort is 0 and advertises the ephemeral port instead.
	AdvertisePort int
	// ClusterName is memberlist's label, bound into every packet as GCM
	// additional data, so clusters with another name never merge.
	ClusterName string
	// ClusterKey is the Wazuh cluster key. Only DeriveKey(ClusterKey,
	// ClusterName) reaches memberlist.
	ClusterKey string
	Meta       Meta   // State and Impl default to StateAlive and ImplClusterd
	Timers     Timers // zero value means DefaultTimers()
	Logger     *logrus.Entry
	// WrapTransport, when set, stands between memberlist and its UDP/TCP transport: test
	// clusters use it to drop the packets between nodes they cut apart. nil is the plain
	// transport.
	WrapTransport func(memberlist.NodeAwareTransport) memberlist.NodeAwareTransport
}

func (c Config) validate() error {
	if c.NodeName == "" {
		return ErrNodeNameRequired
	}
	if c.ClusterName == "" {
		return ErrClusterNameRequired
	}
	if len(c.ClusterName) > memberlist.LabelMaxSize {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrClusterNameTooLong, len(c.ClusterName), memberlist.LabelMaxSize)
	}
	if c.ClusterKey == "" {
		return ErrClusterKeyRequired
	}
	bind := net.ParseIP(c.BindAddr)
	if bind == nil {
		return fmt.Errorf("%w: %q", ErrBadBindAddr, c.BindAddr)
	}
	if bind.IsUnspecified() && c.AdvertiseAddr == "" {
		return fmt.Errorf("%w: %q", ErrAdvertiseAddrRequired, c.BindAddr)
	}
	if c.AdvertiseAddr != "" {
		adv := net.ParseIP(c.AdvertiseAddr)
		if adv == nil || adv.IsUnspecified() || adv.IsMulticast() {
			return fmt.Errorf("%w: %q", ErrBadAdvertiseAddr, c.AdvertiseAddr)
		}
	}
	for _, p := range []struct {
		name  string
		value int
	}{{"bind port", c.BindPort}, {"advertise port", c.AdvertisePort}} {
		if p.value < 0 || p.value > 65535 {
			return fmt.Errorf("%w: %s %d", ErrBadPort, p.name, p.value)
		}
	}
	return c.timers().validate()
}

func (c Config) timers() Timers {
	if c.Timers == (Timers{}) {
		return DefaultTimers()
	}
	return c.Timers
}

func (c Config) logger() *logrus.Entry {
	if c.Logger != nil {
		return c.Logger
	}
	discard := logrus.New()
	discard.SetOutput(io.Discard)
	return logrus.NewEntry(discard)
}

// advertise returns the address and port peers should use, always explicit
// so that memberlist never has to guess one.
func (c Config) advertise() (string, int) {
	addr, port := c.AdvertiseAddr, c.AdvertisePort
	if addr == "" {
		addr = c.BindAddr
	}
	if port == 0 {
		port = c.BindPort
	}
	return addr, port
}

// memberlistConfig builds memberlist's configuration around the given
// delegates. c must have been validated.
func (c Config) memberlistConfig(meta *metaDelegate, events *eventDelegate, entry *logrus.Entry) *memberlist.Config {
	mc := memberlist.DefaultLANConfig()
	mc.Name = c.NodeName
	mc.BindAddr = c.BindAddr
	mc.BindPort = c.BindPort
	mc.AdvertiseAddr, mc.AdvertisePort = c.advertise()
	mc.Label = c.ClusterName
	mc.SecretKey = DeriveKey(c.ClusterKey, c.ClusterName)
	mc.RequireNodeNames = true
	// memberlist's messages here are pings, acks and a few hundred bytes of node state, which
	// LZW does not shrink; compressing each one allocated a 72 KiB table, 7-8% of all a master
	// allocated while 25 workers gossiped. A peer that compresses is still understood.
	mc.EnableCompression = false
	mc.Delegate = meta
	mc.Events = events
	mc.Alive = metaFilter{}
	mc.Logger = log.New(logWriter{entry: entry}, "", 0)
	c.timers().apply(mc)
	return mc
}

// transport builds memberlist's network transport when it is to be wrapped (nil otherwise: then
// memberlist builds its own). A bind port of 0 becomes the port bound, as memberlist does.
func (c Config) transport(mc *memberlist.Config) (memberlist.NodeAwareTransport, error) {
	if c.WrapTransport == nil {
		return nil, nil
	}
	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{mc.BindAddr}, BindPort: mc.BindPort, Logger: mc.Logger,
	})
	if err != nil {
		return nil, err
	}
	if mc.BindPort == 0 {
		mc.BindPort = nt.GetAutoBindPort()
		mc.AdvertisePort = mc.BindPort
	}
	return c.WrapTransport(nt), nil
}

// seedAddress turns a Join address into memberlist's "name/host:port" form.
// RequireNodeNames makes memberlist refuse to contact a node without a name,
// but a join's push/pull only uses the name in its logs, and Wazuh's <nodes>
// lists addresses only; so an unnamed seed is named after its address.
func seedAddress(addr string) (string, error) {
	name, hostPort, named := strings.Cut(addr, "/")
	if !named {
		name, hostPort = "", addr
	}
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadSeedAddr, addr, err)
	}
	if net.ParseIP(host) == nil && !isHostname(host) {
		return "", fmt.Errorf("%w: %q: bad host %q", ErrBadSeedAddr, addr, host)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("%w: %q: bad port %q", ErrBadSeedAddr, addr, port)
	}
	if name == "" {
		if named {
			return "", fmt.Errorf("%w: %q: empty node name", ErrBadSeedAddr, addr)
		}
		name = hostPort
	}
	return name + "/" + hostPort, nil
}

func joinHostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// isHostname reports whether s is a syntactically valid DNS name, so that
// memberlist only ever resolves plausible names.
func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
