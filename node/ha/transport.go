package ha

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/clusterd/clusterd/messages"
	"github.com/clusterd/clusterd/node/logging"
	"github.com/clusterd/clusterd/wire"
)

const (
	// cmdRaft is the command of a frame that carries one raft message.
	cmdRaft = "raft_msg"
	// maxMessageSize bounds a raft message a member accepts: entries travel in batches of at
	// most Config.MaxSizePerMsg (1 MiB), so 16 MiB leaves room and bounds what a peer holding
	// the key can make a member allocate.
	maxMessageSize = 16 << 20
	// sendQueueLen is how many messages may wait for one peer's connection; beyond, messages
	// are dropped and raft sends them again.
	sendQueueLen = 1024
	// redialEvery is how often a member dials a peer it has no connection to, at most.
	redialEvery = 200 * time.Millisecond
	// inboundPerPeer bounds the connections a member keeps open from others: one per peer,
	// and room for a peer's new connection while its old one has not been seen to close.
	inboundPerPeer = 3
	// receiveBudget is what all the inbound connections of a member may hold in receive
	// buffers at once (one connection at most a message and its buffer's doubling), so that
	// connections that do not hold the key cannot make a member hold more.
	receiveBudget  = 4 * maxMessageSize
	receivePerConn = maxMessageSize + maxMessageSize/2
	receiveReserve = 4 << 20
)

// transport carries raft messages between members: one outbound connection per peer, dialled
// on demand, and the connections the peers dialled, read by an accept loop. Every frame is
// sealed with the cluster key's Fernet, as on the cluster port; a frame that does not open is
// the end of its connection (wire.Reader). Delivery is best effort: raft retries.
type transport struct {
	self   uint64
	cipher *wire.Cipher
	log    *logrus.Entry
	dial   func(ctx context.Context, addr string) (net.Conn, error)
	recv   func(m *pb.Message) // hands an inbound message to the member; must not block
	// unreachable tells raft a message to id could not be sent.
	unreachable func(id uint64)

	ln     net.Listener
	budget *wire.ReceiveBudget
	// warn bounds what connections without the key can make a member log.
	warn  *logging.RateLimiter
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	peers map[uint64]*peer

	mu      sync.Mutex
	inbound map[*wire.Conn]struct{}
}

// peer is the outbound side towards one member.
type peer struct {
	t    *transport
	id   uint64
	addr string

	mu       sync.Mutex
	conn     *wire.Conn
	dialing  bool
	lastDial time.Time
	counter  uint32
}

func newTransport(self uint64, addrs map[uint64]string, ln net.Listener, cipher *wire.Cipher, log *logrus.Entry,
	dial func(ctx context.Context, addr string) (net.Conn, error)) *transport {
	if dial == nil {
		d := &net.Dialer{Timeout: 2 * time.Second}
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	ctx, stop := context.WithCancel(context.Background())
	t := &transport{self: self, cipher: cipher, log: log, dial: dial, ln: ln, ctx: ctx, stop: stop,
		budget: wire.NewReceiveBudget(receiveBudget, receivePerConn, receiveReserve),
		warn:   logging.NewRateLimiter(time.Minute, 5, nil),
		peers:  make(map[uint64]*peer), inbound: make(map[*wire.Conn]struct{})}
	for id, addr := range addrs {
		if id != self {
			t.peers[id] = &peer{t: t, id: id, addr: addr}
		}
	}
	return t
}

func (t *transport) connConfig() wire.ConnConfig {
	return wire.ConnConfig{Cipher: t.cipher, QueueLen: sendQueueLen, WriteTimeout: 5 * time.Second,
		PayloadDeadline: 5 * time.Second,
		Limits:          wire.ReaderLimits{MaxTotalSize: maxMessageSize, MaxConcurrentDivided: 1, Budget: t.budget}}
}

// start runs the accept loop; recv and unreachable must be set.
func (t *transport) start() {
	t.wg.Add(1)
	go t.accept()
}

func (t *transport) accept() {
	defer t.wg.Done()
	for {
		nc, err := t.ln.Accept()
		if err != nil {
			if t.ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				t.log.WithError(err).Warn("Raft listener stopped accepting")
			}
			return
		}
		t.mu.Lock()
		if t.ctx.Err() != nil {
			t.mu.Unlock()
			_ = nc.Close()
			return
		}
		if open := len(t.inbound); open >= inboundPerPeer*len(t.peers) {
			t.mu.Unlock()
			t.warn.Logf(t.log, logrus.WarnLevel, "Raft connection from %s refused: %d connections open already", nc.RemoteAddr(), open)
			_ = nc.Close()
			continue
		}
		c := wire.NewConn(nc, t.connConfig())
		t.inbound[c] = struct{}{}
		t.mu.Unlock()
		c.Start(func(f messages.Frame) { t.deliver(c, f) }, func(error) {
			t.mu.Lock()
			delete(t.inbound, c)
			t.mu.Unlock()
		})
	}
}

// deliver checks one inbound frame and hands its message to the member. A frame that is not a
// raft message for this member, from a member, ends the connection.
func (t *transport) deliver(c *wire.Conn, f messages.Frame) {
	m, err := decodeMessage(f, t.self, func(id uint64) bool { _, ok := t.peers[id]; return ok })
	if err != nil {
		t.warn.Logf(t.log, logrus.WarnLevel, "Raft connection from %s closed: %v", c.RemoteAddr(), err)
		_ = c.Close()
		return
	}
	t.recv(m)
}

// decodeMessage turns a frame from a peer into the raft message it carries, for member self;
// isPeer says which ids are the other members.
func decodeMessage(f messages.Frame, self uint64, isPeer func(uint64) bool) (*pb.Message, error) {
	if f.Command != cmdRaft {
		return nil, fmt.Errorf("%w: command %q", errNotRaft, messages.ClipForLog(f.Command))
	}
	m := &pb.Message{}
	if err := proto.Unmarshal(f.Payload, m); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotRaft, err)
	}
	if m.GetTo() != self || !isPeer(m.GetFrom()) {
		return nil, fmt.Errorf("%w: a message from %d to %d", errNotRaft, m.GetFrom(), m.GetTo())
	}
	return m, nil
}

// send queues each message for its peer; what cannot be queued is reported unreachable.
func (t *transport) send(msgs []*pb.Message) {
	for _, m := range msgs {
		p, ok := t.peers[m.GetTo()]
		if !ok {
			continue
		}
		data, err := proto.Marshal(m)
		if err != nil {
			t.log.WithError(err).Error("Raft message does not encode")
			continue
		}
		if !p.send(data) {
			t.unreachable(p.id)
		}
	}
}

func (p *peer) send(data []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		p.redial()
		return false
	}
	p.counter++
	if err := p.conn.Send(messages.Frame{Counter: p.counter, Command: cmdRaft, Payload: data}); err != nil {
		return false
	}
	return true
}

// redial starts one dial unless one runs or the last one was too recent. p.mu is held.
func (p *peer) redial() {
	if p.dialing || time.Since(p.lastDial) < redialEvery || p.t.ctx.Err() != nil {
		return
	}
	p.dialing, p.lastDial = true, time.Now()
	p.t.wg.Add(1)
	go func() {
		defer p.t.wg.Done()
		ctx, cancel := context.WithTimeout(p.t.ctx, 2*time.Second)
		nc, err := p.t.dial(ctx, p.addr)
		cancel()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.dialing = false
		if err != nil {
			p.t.log.WithError(err).Debugf("Raft peer %d (%s) unreachable", p.id, p.addr)
			return
		}
		if p.t.ctx.Err() != nil {
			_ = nc.Close()
			return
		}
		c := wire.NewConn(nc, p.t.connConfig())
		p.conn = c
		// The peer never writes on this connection: anything it sends ends it.
		c.Start(func(messages.Frame) { _ = c.Close() }, func(err error) {
			p.mu.Lock()
			if p.conn == c {
				p.conn = nil
			}
			p.mu.Unlock()
		})
	}()
}

// close stops accepting and dialling, closes every connection and waits for their goroutines.
func (t *transport) close() {
	t.stop()
	_ = t.ln.Close()
	t.wg.Wait() // the accept loop has returned; no dial runs or starts after this
	var conns []*wire.Conn
	t.mu.Lock()
	for c := range t.inbound {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, p := range t.peers {
		p.mu.Lock()
		if p.conn != nil {
			conns = append(conns, p.conn)
		}
		p.mu.Unlock()
	}
	for _, c := range conns {
		_ = c.Close()
	}
	for _, c := range conns {
		<-c.Done()
	}
}
