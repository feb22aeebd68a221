package remoted

import (
	"net/netip"
	"sync"
	"sync/atomic"

	agentproto "github.com/clusterd/clusterd/node/proto/agent"
)

// agentKey is one client.keys entry prepared for use; replaced as a whole
// when a reload changes the agent's name or key.
type agentKey struct {
	id     int
	idStr  string // as written in client.keys ("001")
	name   string
	ip     string // registered IP, network or "any"
	raw    string
	cipher *agentproto.Cipher
	allow  ipMatcher
}

// agent is the runtime state of one agent. It survives a client.keys reload
// when the agent's id and IP are unchanged, so its connection is kept.
type agent struct {
	key atomic.Pointer[agentKey]

	mu      sync.Mutex
	conn    *tcpConn       // reply channel over TCP (the last control message's connection)
	udpAddr netip.AddrPort // reply address over UDP (when conn is nil)
	method  agentproto.Method
	lastMsg atomic.Int64 // Unix nanoseconds of the last valid message

	decryptWarned atomic.Bool
	pushing       atomic.Bool // a merged.mg push to the agent is queued or under way
	received      atomic.Uint64
	archived      atomic.Uint64

	// Touched only by the status worker.
	ws workerState
}

// workerState is what the status worker remembers of an agent between
// control messages.
type workerState struct {
	afterStartup bool   // the next keepalive is the first after a startup
	prev         []byte // the last recorded keepalive, verbatim
	prevMerged   string // its merged.mg sum
}

// replyTarget is where messages to the agent go now.
type replyTarget struct {
	conn    *tcpConn
	udpAddr netip.AddrPort
	method  agentproto.Method
	lastMsg int64
}

// replyChannel identifies where replies go, whatever the method or the time.
type replyChannel struct {
	conn    *tcpConn
	udpAddr netip.AddrPort
}

func (t replyTarget) channel() replyChannel { return replyChannel{conn: t.conn, udpAddr: t.udpAddr} }

func (a *agent) target() replyTarget {
	a.mu.Lock()
	defer a.mu.Unlock()
	return replyTarget{conn: a.conn, udpAddr: a.udpAddr, method: a.method, lastMsg: a.lastMsg.Load()}
}

// dropConn forgets c as the reply channel (it closed). The agent's status is
// not touched: only a shutdown or the disconnection check changes it.
func (a *agent) dropConn(c *tcpConn) {
	a.mu.Lock()
	if a.conn == c {
		a.conn = nil
	}
	a.mu.Unlock()
}
