package gossip

import "errors"

var (
	// ErrNodeNameRequired is returned when Config.NodeName is empty.
	ErrNodeNameRequired = errors.New("gossip: node name is required")
	// ErrClusterNameRequired is returned when Config.ClusterName is empty.
	ErrClusterNameRequired = errors.New("gossip: cluster name is required")
	// ErrClusterNameTooLong is returned when the cluster name does not fit a memberlist label.
	ErrClusterNameTooLong = errors.New("gossip: cluster name is too long for a gossip label")
	// ErrClusterKeyRequired is returned when Config.ClusterKey is empty: gossip never runs unencrypted.
	ErrClusterKeyRequired = errors.New("gossip: cluster key is required")
	// ErrBadBindAddr is returned when Config.BindAddr is not an IP address.
	ErrBadBindAddr = errors.New("gossip: bind address must be an IP address")
	// ErrAdvertiseAddrRequired is returned when binding to a wildcard address without an advertise address.
	ErrAdvertiseAddrRequired = errors.New("gossip: bind address is a wildcard; set an explicit advertise address")
	// ErrBadAdvertiseAddr is returned when Config.AdvertiseAddr is not a usable unicast IP address.
	ErrBadAdvertiseAddr = errors.New("gossip: advertise address must be a unicast IP address")
	// ErrBadPort is returned for a port outside 0..65535.
	ErrBadPort = errors.New("gossip: port out of range")
	// ErrBadTimers is returned when a timer is not positive or the probe timeout is not shorter than the probe interval.
	ErrBadTimers = errors.New("gossip: invalid timers")
	// ErrMetaTooLarge is returned when the encoded Meta exceeds memberlist's 512-byte limit.
	ErrMetaTooLarge = errors.New("gossip: node meta exceeds 512 bytes")
	// ErrBadMeta is returned for a Meta that cannot be encoded or a peer's meta that cannot be decoded.
	ErrBadMeta = errors.New("gossip: invalid node meta")
	// ErrBadSeedAddr is returned by Join for an address that is not "host:port" or "name/host:port".
	ErrBadSeedAddr = errors.New("gossip: seed address must be host:port")
	// ErrJoinFailed is returned by Join when no seed could be reached.
	ErrJoinFailed = errors.New("gossip: could not join any seed")
	// ErrShutdown is returned by Join once the member has left or shut down.
	ErrShutdown = errors.New("gossip: member is shut down")
)
