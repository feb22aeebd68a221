package wire

import "time"

// Framing constants of Wazuh 4.14.7 (framework/wazuh/core/cluster/common.py and cluster.json).
const (
	// HeaderLen is the size of the fixed header (struct format "!2I12s").
	HeaderLen = 20
	// CommandFieldLen is the size of the padded command field; its last byte is the divided flag.
	CommandFieldLen = 12
	// MaxCommandLen is the longest command name a sender may use (error 3024 beyond it).
	MaxCommandLen = 11
	// RequestChunk is the plaintext size above which a message is divided into several frames.
	RequestChunk = 5242880
	// MaxTotalSize bounds both a header's declared size and a reassembled divided message.
	MaxTotalSize = 268435456
	// MaxConcurrentDivided is how many counters may be reassembling at once (error 3051 beyond).
	MaxConcurrentDivided = 10
	// PayloadDeadline is how long a peer has to deliver a payload once its header has arrived.
	PayloadDeadline = 30 * time.Second
	// MaxConnectionsPerIP is how many simultaneous cluster connections one source IP may hold.
	MaxConnectionsPerIP = 10
)

const (
	// dividedFlag marks every part of a divided message except the last one.
	dividedFlag = 'd'
	// lastPartFlag replaces the flag byte on the last part of a divided message; for an 11-byte
	// command this turns the trailing space into '-', exactly as Wazuh's msg_build does.
	lastPartFlag = '-'
)
